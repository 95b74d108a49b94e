// Typed client for the work-management API: /tasks, /timesheets, /enterprise.
import { request } from './api';

export type Priority = 'low' | 'medium' | 'high' | 'urgent';
export const PRIORITIES: Priority[] = ['low', 'medium', 'high', 'urgent'];

export interface Column {
  id: string;
  scope_type: 'project' | 'personal';
  scope_id: string;
  name: string;
  position: number;
  is_done: boolean;
  color: string;
  wip_limit: number | null;
}

export interface Task {
  id: string;
  title: string;
  description: string;
  column_id: string;
  column: string;
  position: number;
  priority: Priority;
  owner_id: string | null;
  client_id: string | null;
  project_id: string | null;
  parent_task_id: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  due_date: string | null;
  estimated_minutes: number | null;
  labels: string[];
  completed_at: string | null;
  subtask_count: number;
  subtask_done_count: number;
  created_at: string;
  updated_at: string;
}

export interface NewTask {
  title: string;
  description?: string;
  column_id?: string;
  position?: number;
  priority?: Priority;
  project_id?: string | null;
  client_id?: string | null;
  parent_task_id?: string;
  assignee_id?: string | null;
  due_date?: string | null;
  estimated_minutes?: number | null;
  labels?: string[];
}

export interface Comment {
  id: string;
  task_id: string;
  author_id: string | null;
  author_name: string | null;
  content: string;
  created_at: string;
}

export interface TimerState {
  running: boolean;
  task_id: string | null;
  task_title: string | null;
  started_at: string | null;
  elapsed_seconds: number;
  entry_id: string | null;
  minutes: number | null;
}

export interface Breakdown {
  key: string | null;
  name: string;
  total: number;
  completed: number;
  completion_rate: number;
  on_time_rate: number;
  estimated_minutes: number;
  actual_minutes: number;
}

export interface ProductivityReport {
  total: number;
  completed: number;
  overdue: number;
  completion_rate: number;
  on_time_rate: number;
  variance_pct: number;
  by_assignee: Breakdown[];
  by_project: Breakdown[];
  by_priority: Breakdown[];
}

export interface Entry {
  id: string;
  user_id: string;
  user_name: string | null;
  task_id: string | null;
  task_title: string | null;
  client_id: string | null;
  project_id: string | null;
  minutes: number;
  billable: boolean;
  description: string;
  date: string;
  source: string;
  hourly_rate: number | null;
  created_at: string;
}

export interface Bucket {
  key: string | null;
  name: string;
  minutes: number;
  billable_minutes: number;
  amount: number;
}

export interface TimesheetReport {
  days: number;
  date_from: string;
  date_to: string;
  total_minutes: number;
  billable_minutes: number;
  non_billable_minutes: number;
  billable_amount: number;
  non_billable_amount: number;
  by_user: Bucket[];
  by_client: Bucket[];
  by_project: Bucket[];
  daily: { date: string; minutes: number; billable_minutes: number }[];
}

export interface Client {
  id: string;
  name: string;
  description: string;
  contact_email: string | null;
  website: string | null;
  status: string;
  project_count: number;
  member_ids: string[];
  team_ids: string[];
}

export interface Project {
  id: string;
  client_id: string;
  client_name: string;
  group_id: string | null;
  name: string;
  description: string;
  status: string;
  start_date: string | null;
  due_date: string | null;
  budget_hours: number | null;
  task_count: number;
  member_ids: string[];
  team_ids: string[];
}

export interface WorkUser {
  id: string;
  email: string;
  name: string;
  role: string;
  title: string;
  reports_to: string | null;
  hourly_rate: number | null;
  capacity_hours: number;
  active: boolean;
  has_password: boolean;
}

export interface Team {
  id: string;
  name: string;
  description: string;
  member_ids: string[];
}

export interface Allocation {
  user_id: string;
  name: string;
  title: string;
  capacity_hours: number;
  open_tasks: number;
  estimated_hours: number;
  logged_hours_week: number;
  utilization_pct: number;
}

export interface OrgNode {
  id: string;
  name: string;
  email: string;
  title: string;
  role: string;
  reports: OrgNode[];
}

function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

export const work = {
  columns: (project_id?: string | null) => request<Column[]>('GET', `/tasks/columns${qs({ project_id })}`),
  createColumn: (body: { name: string; project_id?: string | null; is_done?: boolean }) =>
    request<Column>('POST', '/tasks/columns', body),
  updateColumn: (id: string, body: Partial<Pick<Column, 'name' | 'position' | 'is_done'>>) =>
    request<Column>('PUT', `/tasks/columns/${enc(id)}`, body),
  deleteColumn: (id: string, target_column_id?: string) =>
    request<void>('DELETE', `/tasks/columns/${enc(id)}${qs({ target_column_id })}`),
  tasks: (q: { project_id?: string | null; parent_task_id?: string; assignee_id?: string; include_subtasks?: boolean }) =>
    request<Task[]>('GET', `/tasks/${qs(q)}`),
  task: (id: string) => request<Task>('GET', `/tasks/${enc(id)}`),
  createTask: (body: NewTask) => request<Task>('POST', '/tasks/', body),
  updateTask: (id: string, body: Partial<NewTask>) => request<Task>('PUT', `/tasks/${enc(id)}`, body),
  deleteTask: (id: string) => request<void>('DELETE', `/tasks/${enc(id)}`),
  moveTask: (id: string, column_id: string, position: number) =>
    request<Task>('PUT', `/tasks/${enc(id)}/move`, { column_id, position }),
  timer: () => request<TimerState>('GET', '/tasks/timer'),
  setTimer: (id: string, action: 'start' | 'stop') => request<TimerState>('PUT', `/tasks/${enc(id)}/timer`, { action }),
  comments: (id: string) => request<Comment[]>('GET', `/tasks/${enc(id)}/comments`),
  addComment: (id: string, content: string) => request<Comment>('POST', `/tasks/${enc(id)}/comments`, { content }),
  deleteComment: (id: string) => request<void>('DELETE', `/tasks/comments/${enc(id)}`),
  productivity: (q: { days?: number; project_id?: string | null }) =>
    request<ProductivityReport>('GET', `/tasks/productivity-report${qs(q)}`),
  checkOverdue: () => request<{ count: number }>('POST', '/tasks/check-overdue'),

  entries: (q: { user_id?: string; project_id?: string; task_id?: string; date_from?: string; date_to?: string }) =>
    request<Entry[]>('GET', `/timesheets/${qs(q)}`),
  addEntry: (body: { task_id: string; minutes: number; billable: boolean; description?: string; date?: string }) =>
    request<Entry>('POST', '/timesheets/', body),
  updateEntry: (id: string, body: { minutes?: number; billable?: boolean; description?: string; date?: string }) =>
    request<Entry>('PUT', `/timesheets/${enc(id)}`, body),
  deleteEntry: (id: string) => request<void>('DELETE', `/timesheets/${enc(id)}`),
  timesheetReport: (q: { days?: number; user_id?: string; client_id?: string; project_id?: string }) =>
    request<TimesheetReport>('GET', `/timesheets/report${qs(q)}`),

  clients: () => request<Client[]>('GET', '/enterprise/clients'),
  createClient: (body: Partial<Client>) => request<Client>('POST', '/enterprise/clients', body),
  updateClient: (id: string, body: Partial<Client>) => request<Client>('PUT', `/enterprise/clients/${enc(id)}`, body),
  deleteClient: (id: string) => request<void>('DELETE', `/enterprise/clients/${enc(id)}`),
  projects: (client_id?: string) => request<Project[]>('GET', `/enterprise/projects${qs({ client_id })}`),
  createProject: (client_id: string, body: Partial<Project>) =>
    request<Project>('POST', `/enterprise/clients/${enc(client_id)}/projects`, body),
  updateProject: (id: string, body: Partial<Project>) => request<Project>('PUT', `/enterprise/projects/${enc(id)}`, body),
  deleteProject: (id: string) => request<void>('DELETE', `/enterprise/projects/${enc(id)}`),
  users: () => request<WorkUser[]>('GET', '/enterprise/users'),
  createUser: (body: Partial<WorkUser> & { password?: string }) => request<WorkUser>('POST', '/enterprise/users', body),
  updateUser: (id: string, body: Partial<WorkUser> & { password?: string }) =>
    request<WorkUser>('PUT', `/enterprise/users/${enc(id)}`, body),
  teams: () => request<Team[]>('GET', '/enterprise/teams'),
  createTeam: (body: { name: string; member_ids: string[] }) => request<Team>('POST', '/enterprise/teams', body),
  updateTeam: (id: string, body: { name?: string; member_ids?: string[] }) =>
    request<Team>('PUT', `/enterprise/teams/${enc(id)}`, body),
  deleteTeam: (id: string) => request<void>('DELETE', `/enterprise/teams/${enc(id)}`),
  allocation: () => request<Allocation[]>('GET', '/enterprise/allocation'),
  orgchart: () => request<OrgNode[]>('GET', '/enterprise/orgchart'),
};

/** "90" → "1h 30m". */
export function fmtMinutes(m: number): string {
  const h = Math.floor(m / 60);
  const r = m % 60;
  if (h === 0) return `${r}m`;
  return r === 0 ? `${h}h` : `${h}h ${r}m`;
}

/** Today as YYYY-MM-DD (UTC, matching the server's dates). */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The scope the switcher chose, remembered across reloads. */
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
