/** Semver of this SDK; a plugin states the range it supports in `sdkVersion`. Equal to the package's version. */
export const SDK_VERSION = '1.5.1';
