// A local Bot API for Wijkwijzer's end-to-end tests.
//
// telegram-test-api stores the messages of test "residents" and of the bot. This thin shim in
// front of it adds what python-telegram-bot needs and the emulator omits or simplifies:
//  - getMe with is_bot, and message results with a date in seconds and a sender;
//  - setMyCommands (kept, so tests can read them) and other setup calls;
//  - getUpdates as Telegram does it: long polling, and updates stay until confirmed with a
//    higher offset, so a bot killed before confirming gets them again after a restart;
//  - callback queries with chat_instance; editMessageText returning the message.
// Usage: node server.js [port]   (0 or nothing: any free port; prints "listening on PORT")

const express = require('express');
const TelegramServer = require('telegram-test-api');

const BOT_USER = { id: 777000, is_bot: true, first_name: 'Wijkwijzer', username: 'WijkwijzerE2EBot' };
const server = new TelegramServer({ port: 0, host: '127.0.0.1', storeTimeout: 3600 });
const commands = {};
const app = express();
app.use(express.json());
app.use(express.urlencoded({ extended: true }));

const ok = (res, result) => res.json({ ok: true, result });
const params = (req) => ({ ...req.query, ...req.body });

function asMessage(stored, params) {
  return {
    message_id: stored.message_id,
    date: Math.floor(Date.now() / 1000),
    chat: { id: Number(params.chat_id), type: 'private', first_name: 'Resident' },
    from: BOT_USER,
    text: params.text || params.caption || '',
    reply_markup: stored.reply_markup,
  };
}

app.all('/bot:token/getMe', (req, res) => ok(res, BOT_USER));
app.all('/bot:token/setMyCommands', (req, res) => {
  const p = params(req);
  const list = typeof p.commands === 'string' ? JSON.parse(p.commands) : p.commands;
  commands[p.language_code || ''] = list;
  ok(res, true);
});
for (const method of ['deleteMyCommands', 'setMyDescription', 'setMyShortDescription', 'deleteWebhook',
  'setChatMenuButton', 'answerCallbackQuery']) {
  app.all(`/bot:token/${method}`, (req, res) => ok(res, true));
}
let webhook = null;
app.all('/bot:token/setWebhook', (req, res) => {
  webhook = params(req);
  ok(res, true);
});
app.all('/bot:token/sendMessage', (req, res) => {
  const p = params(req);
  ok(res, asMessage(server.addBotMessage({ ...p }, req.params.token), p));
});
app.all('/bot:token/sendPhoto', (req, res) => {
  const p = params(req);
  ok(res, { ...asMessage(server.addBotMessage({ ...p, text: p.caption || '' }, req.params.token), p),
    photo: [{ file_id: String(p.photo), file_unique_id: 'u', width: 1, height: 1 }] });
});
app.all('/bot:token/editMessageText', (req, res) => {
  const p = params(req);
  server.editMessageText({ ...p });
  ok(res, { ...asMessage({ message_id: Number(p.message_id) }, p), edit_date: Math.floor(Date.now() / 1000) });
});

function pending(token, offset) {
  // Telegram forgets updates below the offset the bot confirms, and only those.
  server.storage.userMessages = server.storage.userMessages.filter(
    (u) => u.botToken !== token || u.updateId >= offset);
  return server.storage.userMessages.filter((u) => u.botToken === token).map((u) => {
    const update = TelegramServer.formatUpdate(u);
    if (update.callback_query && !update.callback_query.chat_instance) {
      update.callback_query.chat_instance = 'e2e';
    }
    return update;
  });
}

app.all('/bot:token/getUpdates', async (req, res) => {
  const p = params(req);
  const offset = Number(p.offset || 0);
  const deadline = Date.now() + Math.min(Number(p.timeout || 0), 1) * 1000;
  let updates = pending(req.params.token, offset);
  while (updates.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    updates = pending(req.params.token, offset);
  }
  ok(res, updates);
});

// For the tests: what the bot registered as its command menu.
app.get('/shim/commands', (req, res) => ok(res, commands));
// and the webhook it set (url, secret_token, ...), or null.
app.get('/shim/webhook', (req, res) => ok(res, webhook));

// For the tests: how many messages the bot sent to each chat (optionally only those containing ?text=).
app.get('/shim/sent', (req, res) => {
  const counts = {};
  for (const stored of server.storage.botMessages) {
    const text = stored.message.text || stored.message.caption || '';
    if (req.query.text && !text.includes(req.query.text)) continue;
    const chat = String(stored.message.chat_id);
    counts[chat] = (counts[chat] || 0) + 1;
  }
  ok(res, counts);
});

// For the tests: the bot's messages to one chat as they are now (after edits), with their ids.
app.get('/shim/messages', (req, res) => {
  ok(res, server.storage.botMessages
    .filter((stored) => String(stored.message.chat_id) === String(req.query.chat))
    .map((stored) => ({ ...stored.message, message_id: stored.messageId })));
});

// Everything else (the residents' client API: /sendMessage, /sendCallback, /getUpdates, ...).
app.use(server.webServer);

const listener = app.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening on ${listener.address().port}`);
});
process.on('SIGTERM', () => listener.close(() => process.exit(0)));
