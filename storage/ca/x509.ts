// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata polyfill
// loaded first. ESM evaluates imports in order, so every module reaches the library through this file.
import 'reflect-metadata';

export * from '@peculiar/x509';
