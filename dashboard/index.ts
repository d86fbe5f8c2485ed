export { createDashboard, type Dashboard, type DashboardOptions, type RouteHandler } from './server/http-server.js';
export { createLiveHub, type LiveHub, type LiveHubOptions } from './server/live-hub.js';
