/** An OpenAI `tools` entry: a function the model may call, with its JSON-schema parameters. */
export interface ToolParameterSchema {
  type: string;
  description: string;
  enum?: string[];
  items?: { type: string };
}

export interface ToolSchema {
  type: 'function';
  function: {
    name: string;
    description: string;
    parameters: { type: 'object'; properties: Record<string, ToolParameterSchema>; required: string[] };
  };
}
