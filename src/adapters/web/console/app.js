// Wires the page: tabs, the sidebar of chats, settings (who I am, API token),
// the dry-run banner, the chat and the audit view.
import { api, onUnauthorized, settings } from './api.js';
import { AuditPanel } from './audit.js';
import { ChatPanel } from './chat.js';
import { ChatList } from './sidebar.js';

const $ = (selector) => {
  const node = document.querySelector(selector);
  if (!node) throw new Error(`console markup is missing ${selector}`);
  return node;
};

const tabs = {
  chat: { tab: $('#tab-chat'), panel: $('#panel-chat') },
  audit: { tab: $('#tab-audit'), panel: $('#panel-audit') },
};

function showTab(name) {
  for (const [key, { tab, panel }] of Object.entries(tabs)) {
    const active = key === name;
    tab.setAttribute('aria-selected', String(active));
    tab.tabIndex = active ? 0 : -1;
    panel.hidden = !active;
  }
}

const audit = new AuditPanel({
  list: $('#audit-timelines'), form: $('#audit-filter'), status: $('#audit-status'), badge: $('#chain-badge'), csv: $('#audit-csv'),
});

const sidebar = $('#sidebar');
const sidebarToggle = $('#sidebar-toggle');
function showSidebar(open) {
  sidebar.classList.toggle('open', open);
  sidebarToggle.setAttribute('aria-expanded', String(open));
}
sidebarToggle.addEventListener('click', () => showSidebar(!sidebar.classList.contains('open')));

const chats = new ChatList({
  list: $('#chat-list'),
  status: $('#chat-list-status'),
  onOpen: (id) => {
    openChat(id);
    showSidebar(false);
    $('#composer-input').focus();
  },
});

const chat = new ChatPanel({
  log: $('#chat-log'),
  form: $('#composer'),
  input: $('#composer-input'),
  button: $('#composer-send'),
  welcome: $('#welcome'),
  userId: () => settings.userId,
  onShowAudit: (draftId) => {
    showTab('audit');
    void audit.showDraft(draftId);
  },
  onChanged: () => void chats.refresh(),
});

function openChat(id) {
  showTab('chat');
  chats.select(id);
  void chat.open(id);
}

tabs.chat.tab.addEventListener('click', () => showTab('chat'));
tabs.audit.tab.addEventListener('click', () => {
  showTab('audit');
  void audit.refresh();
});
// Arrow keys move between tabs, as in every tab list.
$('.tabs').addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
  const next = tabs.chat.tab.getAttribute('aria-selected') === 'true' ? 'audit' : 'chat';
  tabs[next].tab.click();
  tabs[next].tab.focus();
});
$('#new-chat').addEventListener('click', () => {
  openChat(`web-${crypto.randomUUID()}`);
  showSidebar(false);
  $('#composer-input').focus();
});

// An example drafts at once: it is a request like any other.
for (const button of document.querySelectorAll('[data-example]')) {
  button.addEventListener('click', () => void chat.send(button.dataset.example));
}

// Settings: the user id names who asks and who decides; the token is only needed when the server has one.
const userInput = $('#user-id');
const tokenInput = $('#api-token');
userInput.value = settings.userId;
tokenInput.value = settings.token;
userInput.addEventListener('change', () => {
  settings.userId = userInput.value;
  userInput.value = settings.userId;
  $('#whoami').textContent = settings.userId;
  void start();
});
tokenInput.addEventListener('change', () => {
  settings.token = tokenInput.value;
  $('#token-needed').hidden = true;
  void start();
});
$('#whoami').textContent = settings.userId;

onUnauthorized(() => {
  $('#settings').open = true;
  $('#token-needed').hidden = false;
  tokenInput.focus();
});

/** Whether approving really sends: the header says so while the dry-run relay is active. */
async function showMode() {
  try {
    const status = await api.status();
    $('#dry-run-banner').hidden = !status.dryRun;
  } catch {
    // The banner stays hidden; cards still say "dry run" once sent.
  }
}

async function start() {
  void showMode();
  openChat(await chats.initial());
}

showTab('chat');
$('#composer-input').focus();
void start();
