// /chat/conversations: conversations, messages (streamed replies), uploads, transcription,
// sharing and the live event stream.
import { api, fileForm, getSSE, listAll, ok, stream, upload, type Schema } from './client';

export type Conversation = Schema<'ConversationResponse'>;
export type Attachment = Schema<'AttachmentResponse'>;
export type Participant = Schema<'ParticipantResponse'>;
export type SendMessage = Schema<'SendMessageRequest'>;

/** One entry of MessageResponse.tool_calls, which the spec leaves untyped (free-form JSON), as are `usage`'s counters. */
export interface ToolCallRecord {
  id: string;
  name: string;
  arguments: unknown;
  status: 'started' | 'finished' | 'failed';
  result?: unknown;
  error?: string;
}

type Usage = { input_tokens: number; output_tokens: number; total_tokens: number };

export type ChatMessage = Omit<Schema<'MessageResponse'>, 'tool_calls' | 'usage'> & { tool_calls: ToolCallRecord[]; usage?: Usage | null };

/** One frame of POST …/messages (a `text/event-stream`, which the spec does not describe). */
export type ChatFrame =
  | { content: string }
  | { tool_use: string; status: 'started' | 'finished' | 'failed'; id?: string; input?: unknown; result?: unknown; detail?: string }
  | { error: string }
  | { done: true; message_id?: string; usage?: Usage };

/** One event of GET …/events. */
export type ChatEvent = { type: string; message: ChatMessage };

const enc = encodeURIComponent;
const path = (id: string) => ({ params: { path: { id } } });

export const listConversations = (search?: string) => listAll('/api/v1/chat/conversations', { query: { search } });
export const createConversation = (title?: string) =>
  ok(api.POST('/api/v1/chat/conversations', { body: title ? { title } : {} }));
export const renameConversation = (id: string, title: string) =>
  ok(api.PATCH('/api/v1/chat/conversations/{id}', { ...path(id), body: { title } }));
export const deleteConversation = (id: string) => ok(api.DELETE('/api/v1/chat/conversations/{id}', path(id)));

/** A page of history, oldest first: the newest messages, or those just before `before` (the
 * oldest one loaded); `earlier` counts the older messages not in it. */
export async function history(id: string, before?: string): Promise<{ items: ChatMessage[]; earlier: number }> {
  const p = await ok(api.GET('/api/v1/chat/conversations/{id}/messages', { params: { path: { id }, query: { before } } }));
  return { items: p.items as ChatMessage[], earlier: Math.max(0, p.total - p.items.length) };
}

export const sendMessage = (id: string, body: SendMessage, signal?: AbortSignal) =>
  stream<ChatFrame>(`/chat/conversations/${enc(id)}/messages`, body, signal);

export const uploadAttachment = (id: string, file: File) =>
  upload<Attachment>(`/chat/conversations/${enc(id)}/upload`, fileForm(file, file.name));

export const transcribe = (id: string, audio: Blob, filename: string) =>
  upload<Schema<'TranscriptionResponse'>>(`/chat/conversations/${enc(id)}/transcribe`, fileForm(audio, filename));

export const participants = (id: string) => listAll('/api/v1/chat/conversations/{id}/participants', { path: { id } });
export const share = (id: string, user_id: string) =>
  ok(api.POST('/api/v1/chat/conversations/{id}/share', { ...path(id), body: { user_id } }));
export const unshare = (id: string, user_id: string) =>
  ok(api.DELETE('/api/v1/chat/conversations/{id}/participants/{user_id}', { params: { path: { id, user_id } } }));

/** Messages others add to a shared conversation, live (fetch-based SSE: the token is a header). */
export const conversationEvents = (id: string, signal: AbortSignal) => getSSE<ChatEvent>(`/chat/conversations/${enc(id)}/events`, signal);
