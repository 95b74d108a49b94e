// Every area of the app: sidebar groups, command palette, placeholder copy.
import type { Component } from 'svelte';

export type Group = 'Create' | 'Knowledge' | 'Work' | 'Delivery' | 'Insights' | 'Admin';

export interface Area {
  id: string;
  path: string;
  label: string;
  group: Group;
  /** One sentence about what the page is for. */
  blurb: string;
  /** Key of the icon in Icon.svelte. */
  icon: string;
  adminOnly?: boolean;
  /** Extra words matched by the command palette. */
  keywords?: string;
  load: () => Promise<{ default: Component }>;
}

export const GROUPS: Group[] = ['Create', 'Knowledge', 'Work', 'Delivery', 'Insights', 'Admin'];

export const AREAS: Area[] = [
  { id: 'chat', path: '/chat', label: 'Chat', group: 'Create', icon: 'chat', keywords: 'assistant conversation llm',
    blurb: 'Talk to your models with streaming answers, grounded in your sources and memory.',
    load: () => import('../routes/chat/ChatPage.svelte') },
  { id: 'content', path: '/content', label: 'Content', group: 'Create', icon: 'doc', keywords: 'write article post draft',
    blurb: 'Draft, edit and version long-form content such as articles, posts and newsletters.',
    load: () => import('../routes/content/ContentPage.svelte') },
  { id: 'multimodal', path: '/multimodal', label: 'Multimodal', group: 'Create', icon: 'image', keywords: 'image audio video vision',
    blurb: 'Generate and analyse images, audio and video alongside text.',
    load: () => import('../routes/multimodal/MultimodalPage.svelte') },
  { id: 'planner', path: '/planner', label: 'Planner', group: 'Create', icon: 'calendar', keywords: 'calendar schedule editorial',
    blurb: 'Plan an editorial calendar and schedule what gets produced when.',
    load: () => import('../routes/planner/PlannerPage.svelte') },

  { id: 'learnings', path: '/learnings', label: 'Learnings', group: 'Knowledge', icon: 'bulb', keywords: 'insights lessons feedback',
    blurb: 'Lessons the studio has learned from feedback, kept to improve future output.',
    load: () => import('../routes/learnings/LearningsPage.svelte') },
  { id: 'skills', path: '/skills', label: 'Skills', group: 'Knowledge', icon: 'zap', keywords: 'tools prompts abilities',
    blurb: 'Reusable skills and prompt recipes that agents can call on.',
    load: () => import('../routes/skills/SkillsPage.svelte') },
  { id: 'personas', path: '/personas', label: 'Personas', group: 'Knowledge', icon: 'users', keywords: 'voice tone brand audience',
    blurb: 'Voices, tones and audiences that shape how content is written.',
    load: () => import('../routes/personas/PersonasPage.svelte') },
  { id: 'memory', path: '/memory', label: 'Memory', group: 'Knowledge', icon: 'cpu', keywords: 'facts remember long-term',
    blurb: 'Long-term facts the assistant remembers about you and your work.',
    load: () => import('../routes/memory/MemoryPage.svelte') },
  { id: 'sources', path: '/sources', label: 'Sources', group: 'Knowledge', icon: 'link', keywords: 'documents upload rag urls files',
    blurb: 'Documents, files and URLs ingested for retrieval-augmented answers.',
    load: () => import('../routes/sources/SourcesPage.svelte') },
  { id: 'collections', path: '/collections', label: 'Collections', group: 'Knowledge', icon: 'folder', keywords: 'groups library',
    blurb: 'Group sources and content into collections you can search and share.',
    load: () => import('../routes/collections/CollectionsPage.svelte') },

  { id: 'tasks', path: '/tasks', label: 'Tasks', group: 'Work', icon: 'check', keywords: 'todo jobs kanban',
    blurb: 'Track tasks and background jobs from idea to done.',
    load: () => import('../routes/tasks/TasksPage.svelte') },
  { id: 'enterprise', path: '/enterprise', label: 'Enterprise', group: 'Work', icon: 'briefcase', keywords: 'clients projects organisation teams',
    blurb: 'Clients, projects and teams for agency and enterprise workflows.',
    load: () => import('../routes/enterprise/EnterprisePage.svelte') },
  { id: 'timesheets', path: '/timesheets', label: 'Timesheets', group: 'Work', icon: 'clock', keywords: 'time tracking hours billing',
    blurb: 'Log and review time spent per client and project.',
    load: () => import('../routes/timesheets/TimesheetsPage.svelte') },
  { id: 'automations', path: '/automations', label: 'Automations', group: 'Work', icon: 'repeat', keywords: 'workflows triggers cron',
    blurb: 'Scheduled and event-driven workflows that run without you.',
    load: () => import('../routes/automations/AutomationsPage.svelte') },

  { id: 'webhooks', path: '/webhooks', label: 'Webhooks', group: 'Delivery', icon: 'webhook', keywords: 'http callbacks integrations',
    blurb: 'Outgoing and incoming webhooks that connect the studio to other systems.',
    load: () => import('../routes/webhooks/WebhooksPage.svelte') },
  { id: 'notifications', path: '/notifications', label: 'Notifications', group: 'Delivery', icon: 'bell', keywords: 'alerts inbox email',
    blurb: 'Alerts about finished jobs, approvals and failures, and where they are sent.',
    load: () => import('../routes/notifications/NotificationsPage.svelte') },
  { id: 'publishing', path: '/publishing', label: 'Publishing', group: 'Delivery', icon: 'send', keywords: 'publish cms social channels',
    blurb: 'Publish finished content to your CMS, newsletter and social channels.',
    load: () => import('../routes/publishing/PublishingPage.svelte') },
  { id: 'approvals', path: '/approvals', label: 'Approvals', group: 'Delivery', icon: 'shield', keywords: 'review sign-off',
    blurb: 'Review queue where content waits for sign-off before it goes out.',
    load: () => import('../routes/approvals/ApprovalsPage.svelte') },

  { id: 'ai-logs', path: '/ai-logs', label: 'AI logs', group: 'Insights', icon: 'activity', keywords: 'usage tokens cost requests audit',
    blurb: 'Every model call with its prompt, tokens, latency and cost.',
    load: () => import('../routes/ai-logs/AiLogsPage.svelte') },
  { id: 'graph', path: '/graph', label: 'Knowledge graph', group: 'Insights', icon: 'graph', keywords: 'entities relations network',
    blurb: 'Entities and relations extracted from your sources, as an explorable graph.',
    load: () => import('../routes/graph/GraphPage.svelte') },

  { id: 'settings', path: '/settings', label: 'Settings', group: 'Admin', icon: 'settings', adminOnly: true, keywords: 'configuration providers api keys',
    blurb: 'Server-wide configuration: model providers, API keys and integrations.',
    load: () => import('../routes/settings/SettingsPage.svelte') },
  { id: 'account', path: '/account', label: 'Account', group: 'Admin', icon: 'user', keywords: 'profile password mfa two-factor 2fa security',
    blurb: 'Your profile, password and two-factor authentication.',
    load: () => import('../routes/account/AccountPage.svelte') },
];

export function areaForPath(path: string): Area | undefined {
  return AREAS.find((a) => path === a.path || path.startsWith(a.path + '/'));
}

export function visibleAreas(isAdmin: boolean): Area[] {
  return AREAS.filter((a) => !a.adminOnly || isAdmin);
}
