// The board the scope switcher chose, remembered across reloads.
const SCOPE_KEY = 'nm_work_project';

export function savedProject(): string {
  try {
    return localStorage.getItem(SCOPE_KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveProject(id: string): void {
  try {
    localStorage.setItem(SCOPE_KEY, id);
  } catch {
    /* storage unavailable */
  }
}
