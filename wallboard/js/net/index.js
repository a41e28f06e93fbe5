export { api, ApiError, toLogin } from './api.js';
export { EventBus } from './ws.js';
