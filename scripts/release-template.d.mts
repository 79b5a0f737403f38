/** See release-template.mjs. */
export declare const standaloneTemplate: (
  generated: Record<string, unknown>,
  version: string,
) => { template: Record<string, unknown>; zips: string[] };
