// Moved to devtools/ so the demo can play an applicant's device too.
export * from '../../devtools/applicant-csr.ts';
