import { startTracing } from './tracing';

// Imported first by the library's index, so instrumentations are in place before pg and http load.
startTracing();
