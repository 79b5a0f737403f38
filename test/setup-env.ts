/**
 * Test environment, set before any project module loads (test/setup.ts imports this first): the
 * Powertools logger reads its level when its module is evaluated.
 * No test may reach AWS: fixed dummy credentials and region; the SDK still honours AWS_ENDPOINT_URL.
 */
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDTESTTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-secret';
process.env.POWERTOOLS_DEV ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'EcsAutoscaler';
// Decision events (EventBridge + SSM) off unless a test turns them on: tests that mock only some SDK
// clients must not reach the others. The simulator models both (test/scenario/decision-events.test.ts).
process.env.DECISION_EVENTS ??= 'disabled';
// The SDK warns once that its 2027 releases need Node 22 (Lambda runs nodejs22.x); keep test output clean.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
