/** The Interpreter port over the OpenAI SDK (any OpenAI-compatible server). */
export { createOpenAIInterpreter, type OpenAIInterpreterOptions } from './openai-interpreter.js';
export { SYSTEM_PROMPT } from './system-prompt.js';
export { TOOLS } from './tools.js';
