/**
 * Environment defaults of the command line, evaluated before any other module (a bare import at the top
 * of cli/main.ts): the Lambda handlers' loggers read POWERTOOLS_LOG_LEVEL when their module loads.
 * - The CLI prints its own output; the handlers' INFO logs (e.g. under `simulate`) would drown it, so the
 *   log level defaults to ERROR. Set POWERTOOLS_LOG_LEVEL=INFO to see every plan of a simulation.
 * - The SDK's notice that its 2027 releases need Node 22 would turn a one-line CLI error into a paragraph.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
