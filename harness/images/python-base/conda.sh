# Shim for Miniconda's etc/profile.d/conda.sh: defines `conda` so that `conda activate NAME|PATH` and
# `conda deactivate` change PATH, CONDA_PREFIX, CONDA_DEFAULT_ENV, CONDA_SHLVL, CONDA_PROMPT_MODIFIER and
# PS1 as conda does (the old env's bin is replaced, re-activating the active env changes nothing).
export CONDA_EXE='/opt/miniconda3/bin/conda'
export _CE_M=''
export _CE_CONDA=''
export CONDA_PYTHON_EXE='/opt/miniconda3/bin/python'

# Removes the first occurrence of $1 from PATH: the entry activation put there.
__conda_path_without() {
  local rest="$PATH:" entry out= removed=
  while [ -n "$rest" ]; do
    entry=${rest%%:*}
    rest=${rest#*:}
    if [ -z "$removed" ] && [ "$entry" = "$1" ]; then
      removed=1
      continue
    fi
    out=${out:+$out:}$entry
  done
  PATH=$out
}

__conda_activate() {
  local prefix name
  case "$1" in
    base) prefix=/opt/miniconda3 ;;
    */*) prefix=$1 ;;
    *) prefix=/opt/miniconda3/envs/$1 ;;
  esac
  if [ ! -d "$prefix/conda-meta" ]; then
    printf '\nEnvironmentNameNotFound: Could not find conda environment: %s\nYou can list all discoverable environments with `conda info --envs`.\n\n\n' "$1" >&2
    return 1
  fi
  [ "$prefix" = "${CONDA_PREFIX:-}" ] && return 0
  if [ "$prefix" = /opt/miniconda3 ]; then name=base; else name=${prefix##*/}; fi
  if [ -n "${CONDA_PREFIX:-}" ]; then
    __conda_path_without "$CONDA_PREFIX/bin"
    export "CONDA_PREFIX_${CONDA_SHLVL}=$CONDA_PREFIX"
  fi
  PS1="($name) ${PS1#"${CONDA_PROMPT_MODIFIER:-}"}"
  export PATH="$prefix/bin:$PATH"
  export CONDA_PREFIX="$prefix"
  export CONDA_SHLVL=$((CONDA_SHLVL + 1))
  export CONDA_DEFAULT_ENV="$name"
  export CONDA_PROMPT_MODIFIER="($name) "
}

__conda_deactivate() {
  [ -n "${CONDA_PREFIX:-}" ] || return 0
  __conda_path_without "$CONDA_PREFIX/bin"
  PS1=${PS1#"${CONDA_PROMPT_MODIFIER:-}"}
  export CONDA_SHLVL=$((CONDA_SHLVL - 1))
  unset CONDA_PREFIX CONDA_DEFAULT_ENV CONDA_PROMPT_MODIFIER
  local previous
  eval "previous=\${CONDA_PREFIX_${CONDA_SHLVL}:-}"
  if [ -n "$previous" ]; then
    unset "CONDA_PREFIX_${CONDA_SHLVL}"
    CONDA_SHLVL=$((CONDA_SHLVL - 1))
    __conda_activate "$previous"
  fi
}

conda() {
  case "${1:-}" in
    activate) __conda_activate "${2:-base}" ;;
    deactivate) __conda_deactivate ;;
    *) "$CONDA_EXE" "$@" ;;
  esac
}

if [ -z "${CONDA_SHLVL+x}" ]; then
  export CONDA_SHLVL=0
  PATH="/opt/miniconda3/condabin${PATH:+:${PATH}}"
  export PATH
  if [ -z "${PS1+x}" ]; then
    PS1=
  fi
fi
