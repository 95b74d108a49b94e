// /models: the local models in the data dir (local-llm GGUFs and the MiniLM embedder) —
// list, download with progress (SSE), upload a file with progress, remove.
import { API_BASE, ApiError, api, getToken, ok, stream, type Schema } from './client';

export type ModelInfo = Schema<'ModelInfo'>;
export type ModelList = Schema<'ModelList'>;

/** One frame of POST /models/{name}/pull. */
export interface PullFrame {
  stage?: 'downloading';
  done?: number | boolean;
  total?: number;
  model?: ModelInfo;
  error?: string;
}

const enc = encodeURIComponent;

export const listModels = () => ok(api.GET('/api/v1/models'));
export const deleteModel = (name: string) => ok(api.DELETE('/api/v1/models/{name}', { params: { path: { name } } }));
export const pullModel = (name: string, signal?: AbortSignal) => stream<PullFrame>(`/models/${enc(name)}/pull`, undefined, signal);

/** PUT the raw file (XMLHttpRequest: fetch cannot report upload progress). */
export function uploadModel(name: string, file: File, onProgress: (sent: number, total: number) => void): Promise<ModelInfo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `${API_BASE}/models/${enc(name)}/file`);
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total || file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network error: the upload did not reach the server'));
    xhr.onload = () => {
      let body: { detail?: string } | ModelInfo | undefined;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ModelInfo);
      else reject(new ApiError(xhr.status, (body as { detail?: string })?.detail ?? `upload failed (${xhr.status})`));
    };
    xhr.send(file);
  });
}
