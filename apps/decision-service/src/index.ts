export { buildService, type ErrorBody, SERVICE_DEFAULTS, type ServiceOptions } from './app';
