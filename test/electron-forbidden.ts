/**
 * Stands in for the `electron` module in unit tests: importing Electron from the engine is a layering bug
 * (architecture.md: core/ never imports electron), so any import fails loudly here.
 */
throw new Error('electron was imported in a unit test: core/ and shared must not import electron');
