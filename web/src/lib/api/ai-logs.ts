// /ai-logs: every model call, stats, token usage and the leaderboard.
import { api, listAll, ok, page, type ListParams, type Schema } from './client';

export type LogEntry = Schema<'LogEntryResponse'>;
export type Stats = Schema<'StatsResponse'>;
export type TokenUsage = Schema<'TokenUsageResponse'>;
export type UsageRow = Schema<'UsageRow'>;
export type LeaderboardEntry = Schema<'LeaderboardEntry'>;
export type LogFilters = NonNullable<ListParams<'/api/v1/ai-logs'>['query']>;

/** One page of calls (the page shows "1–50 of N"). */
export const logs = (filters: LogFilters, range: { limit: number; offset: number }) => page('/api/v1/ai-logs', { query: filters }, range);
export const stats = () => ok(api.GET('/api/v1/ai-logs/stats'));
export const tokenUsage = (days: number) => ok(api.GET('/api/v1/ai-logs/token-usage', { params: { query: { days } } }));
export const leaderboard = (period: string) => listAll('/api/v1/ai-logs/leaderboard', { query: { period } });
