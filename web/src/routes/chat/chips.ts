// Tool-call chips shown on an assistant message: one per call, updated as frames arrive.
import type { ChatMessage } from '../../lib/api/chat';

export interface Chip {
  id: string;
  name: string;
  status: 'started' | 'finished' | 'failed';
  detail?: string;
}

/** Chips of a stored message. */
export function chipsOf(m: ChatMessage): Chip[] {
  return m.tool_calls.map((t) => ({ id: t.id, name: t.name, status: t.status, detail: t.error }));
}
