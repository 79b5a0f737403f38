import './setup-env.js';
import 'aws-sdk-client-mock-vitest/extend';
import { setDefaultEmfSink } from '../shared/runtime/metrics.js';

// EMF documents go to stdout in Lambda; in tests only those a test reads (setEmfSink) matter.
setDefaultEmfSink(() => {});
