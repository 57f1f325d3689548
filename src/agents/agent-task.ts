/** What an agent may see of an instance: its benchmark decides, and hidden tests are never in it. */
export interface AgentTask {
  instanceId: string;
  /** The issue text, as the benchmark shows it. */
  problemStatement: string;
  /** The commit the repository at /testbed starts from. */
  baseCommit: string;
}
