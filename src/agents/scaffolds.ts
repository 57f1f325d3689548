/** The agent scaffolds `--agent` chooses from; register a plugin's with `scaffolds.register`. */
import { Registry } from '../registry.js';
import type { AgentScaffold } from './scaffold.js';
import { seraScaffold } from './sera/sera-scaffold.js';

export const scaffolds = new Registry<AgentScaffold<any>>('agent');
scaffolds.register(seraScaffold);
