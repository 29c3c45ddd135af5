export { buildService, type ServiceOptions } from './app';
