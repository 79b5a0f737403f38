/** Types of compact-sdk-errors.mjs (the build script stays plain JavaScript). */
export declare const compactSdkErrors: (source: string, file?: string) => string;
