import './setup-env.js';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach } from 'vitest';
import { clearInstanceTaskCache } from '../shared/aws/task-reader.js';
import { setDefaultEmfSink } from '../shared/runtime/metrics.js';

// Issue 19: the cluster scaler keeps candidates' task lists in a module-level cache; simulated worlds
// repeat ARNs from one test to the next, so no test inherits another's.
beforeEach(() => clearInstanceTaskCache());

// EMF documents go to stdout in Lambda; in tests only those a test reads (setEmfSink) matter.
setDefaultEmfSink(() => {});
