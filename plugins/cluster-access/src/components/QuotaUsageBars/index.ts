export { QuotaUsageBars } from './QuotaUsageBars';
