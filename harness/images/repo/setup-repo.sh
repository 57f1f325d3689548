#!/bin/bash
# The tail of SWE-bench's setup_repo.sh (swebench-harness.md §2.4, steps 4-5).
set -euxo pipefail
cd /testbed
source /opt/miniconda3/bin/activate
conda activate testbed
source /root/setup-commands.sh
# The "clean diff" commit: setup edits are committed, so `git diff` shows only the agent's changes.
git config user.email setup@swebench.config
git config user.name SWE-bench
git commit --allow-empty -am SWE-bench
chmod -R 777 /testbed
# chmod made every tracked file executable; without this every `git diff` would list mode changes.
git config core.fileMode false
