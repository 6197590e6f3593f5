/** The tool's version, as printed by --version and written into lock headers. Kept in step with package.json by a test. */
export const VERSION = '0.1.0';
