/**
 * Environment of the benchmark and fault-runner scripts, evaluated before any other module (a bare
 * import on their first line): the handlers' loggers read POWERTOOLS_LOG_LEVEL when their module loads,
 * so setting it in the script body, after the (hoisted) imports, is too late. Override from the shell
 * (POWERTOOLS_LOG_LEVEL=INFO npm run bench:scaling) to see every plan.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The EC2 reads (DescribeInstanceTypes, DescribeLaunchTemplateVersions) are signed requests the simulator
// answers in-process; signing needs credentials, so placeholders stand in when none are set (nothing
// leaves the process — as `simulate` does). Without them those reads failed and were skipped.
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDSIMULATORONLY';
process.env.AWS_SECRET_ACCESS_KEY ??= 'simulator-only';
