export { HistoryTable } from './HistoryTable';
export { RecentEvents } from './RecentEvents';
export { EventSentence } from './EventSentence';
