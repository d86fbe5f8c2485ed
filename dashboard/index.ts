export { createDashboard, type Dashboard, type DashboardOptions } from './server/http-server.js';
export { dashboardSettings } from './server/dashboard-settings.js';
export { createLiveHub, type LiveHub, type LiveHubOptions, type LiveHubStats, type LiveFormat } from './server/live-hub.js';
export { registerLiveMetrics } from './server/live-metrics.js';
export { createUserStore, roleAtLeast, RoleSchema, type Role, type User, type UserStore } from './server/user-store.js';
export { SESSION_COOKIE } from './server/auth.js';
export { runUserCommand, USER_COMMAND_OPTIONS, USER_USAGE } from './server/user-command.js';
export { scopeChoices, type ScopeChoice } from './server/user-scope.js';
