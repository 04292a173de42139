// Kept equal to package.json's version by test/version.test.ts (a JSON import would cost every cold start).
export const VERSION = '0.1.0';
