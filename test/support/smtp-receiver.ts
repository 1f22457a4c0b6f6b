// Moved to devtools/ so the demo can run it too; tests keep importing from here.
export * from '../../devtools/smtp-receiver.ts';
