// Moved to devtools/ so the demo can run them too; tests keep importing from here.
export * from '../../devtools/bot-api-emulator.ts';
