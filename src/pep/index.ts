/** Pure standards code (PEP 440, 503, 508, 425/427, 625, 685, core metadata): no IO. */
export * from './names.js';
export * from './version.js';
export * from './specifiers.js';
export * from './markers.js';
export * from './requirement.js';
export * from './filenames.js';
export * from './tags.js';
export * from './target.js';
export * from './metadata.js';
