/** Import direction of the hexagon: the domain knows no adapter (STYLE.md §1). */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-no-adapter',
      comment: 'domain/ is pure: ports live here, adapters (bot, mail, storage, templates, cli) implement them.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: '^(bot|mail|storage|templates|cli|scripts|bench|test)/' },
    },
    {
      name: 'domain-no-io-packages',
      comment: 'The domain does no I/O: no database, mail, Telegram, filesystem or network modules.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: '(node_modules/(typeorm|better-sqlite3|pg|imapflow|mailparser|nodemailer|grammy|@grammyjs|handlebars)|^(fs|net|http|https|child_process)$|node:(fs|net|http|https|child_process))' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(domain|storage|cli|mail|bot|templates)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|test)/' },
  },
};
