import type { ReplyTopic } from './messages.js';

/**
 * Requests that are not "send this message": calls, reminders, reading the
 * inbox, replying in a thread, money, location, questions. Recognised by how the
 * sentence starts, so "remind me to text mom" is a reminder, not a text.
 */

const CALL = /^(?:call|dial|phone|ring|facetime|video ?call|skype|make\s+(?:a\s+)?(?:phone\s+|video\s+)?call|place\s+(?:a\s+)?call|start\s+(?:a\s+)?(?:phone\s+)?call|give\s+\S+(?:\s+\S+)?\s+a\s+(?:call|ring)|use the phone|get\s+\S+\s+on the phone)\b/i;
const REMINDER = /^(?:remind|reminder|set\s+(?:up\s+)?(?:a|an|my)\s+(?:reminder|alarm|timer)|add\s+(?:a\s+)?reminder|wake me|schedule\s+(?:a\s+)?(?:meeting|call|reminder)|create\s+(?:a\s+)?(?:reminder|event|meeting)|book\s+|add\s+.*\b(?:calendar|shopping list|to-?do|list)\b)/i;
const THREAD_REPLY =
  /^(?:(?:quick(?:ly)?\s+)?(?:reply|respond|answer|forward|write back)\b|(?:send|write|compose|start|open|draft|create|make)\s+(?:up\s+)?(?:a\s+|an\s+|the\s+)?(?:quick\s+|new\s+)?(?:reply|response|answer|replay|forward)\b|(?:open|pull|bring)\s+(?:up\s+)?(?:my\s+|the\s+)?[\w']+(?:'s)?\s+e-?mail|open\s+(?:up\s+)?(?:my|the|\w+'s)\b)/i;
const QUESTION_START =
  /^(?:what|what's|whats|who|who's|whom|when|where|where's|why|how|which|is|are|am|do|does|did|has|have|had|was|were|any|check|read|show|display|list|search|find|look|bring up|pull up|get me|give me|tell me|let me know|show me|inform me|update me|keep me posted|refresh|archive|delete|mark|scan|report|lookup|look up|go to|open (?:my |the )?(?:inbox|contacts|email|mail)|initiate|beep|alert me|ping me when|notify me (?:when|if|whenever|once|as soon)|let me know (?:when|if))\b/i;
const SAVE_CONTACT = /^(?:add|save|put|remember|store|enter|place|create|update|edit|locate|new address|new contact)\b/i;

const MONEY = /^(?:send|transfer|pay|wire|move|take|give|venmo|zelle)\s+(?:over\s+|back\s+)?(?:some\s+|the\s+)?(?:\$\s?\d|€\s?\d|£\s?\d|\d[\d,.]*\s*(?:dollars|bucks|usd|euros?|pounds|gbp|eur|k\b)|money|funds|cash|payment|a payment)|\b(?:money|funds)\b.*\b(?:account|savings|checking)\b|\bbetween\b.*\baccounts\b/i;
/** "send mom some money", "give the kids their lunch money": a person, then an amount or money. */
const MONEY_TO_PERSON = /^(?:send|give|transfer|wire|pay)\s+(?:(?:the|my|our)\s+)?[a-z]+\s+(?:(?:some|the|his|her|their|my|our)\s+)?(?:[a-z]+\s+)?(?:\$\s?\d|€\s?\d|£\s?\d|\d[\d,.]*\s*(?:dollars|bucks|usd|euros?|pounds)\b|money\b|cash\b|funds\b)/i;
const LOCATION = /\b(?:(?:my|our)\s+(?:exact\s+|current\s+|live\s+|gps\s+)?(?:location|gps|coordinates|whereabouts|position)|gps coordinates|where\s+(?:i|we)\s+(?:am|are|'m|'re|is)(?:\s+at)?(?:\s+now|\s+right now)?\s*[.!?]?$|where\s+i'm(?:\s+at)?\s*[.!?]?$)/i;
const LOCATION_HEAD = /^(?:share|send|tell|let|text|message|email|whatsapp|telegram|notify|drop|pin|ping|inform|show)\b/i;
// "send bob his latest photos", "email the signed pdf": up to two words may describe the thing.
const ATTACHMENT = /^(?:send|email|share|forward|attach)\s+(?:\w+\s+)?(?:the|my|this|these|those|a|an|his|her|their|our|your)\s+(?:[\w'-]+\s+){0,2}?(?:file|files|photo|photos|picture|pictures|pic|pics|image|images|document|documents|attachment|attachments|pdf|report|video|videos|docs)\b/i;
/** Fetching mail ("fetch my new emails", "sync my mail") is reading the inbox. */
const LOAD_MAIL = /^(?:load|reload|fetch|download|refresh|sync|retrieve|get\s+(?=(?:my|new|any|all|unread|latest|recent)\b))\s*(?:up\s+)?(?:(?:my|the|new|any|all|unread|latest|recent|incoming)\s+)*(?:e-?mails?|mails?|messages|inbox)\b/i;
/** A bare "new address" / "new contact" / "new number": saving someone, which has its own command. */
const BARE_CONTACT = /^(?:a\s+)?(?:new|another|add(?:\s+a)?)\s+(?:contact|address|e-?mail address|number|phone number)s?\s*[.!?]*$/i;

/** The topic of a non-send request at the start of `s` (fillers already removed), or null. */
export function nonSendTopic(s: string, hasAddress = false): ReplyTopic | null {
  const t = s.trim();
  if (CALL.test(t)) return 'call';
  if (/^(?:text|sms|e-?mail|message|ping|alert|notify|whatsapp|telegram)\s+me\s+(?:when|if|whenever|once|as soon as|every|each time)\b/i.test(t)) return 'trigger';
  // "email notifications", "text settings": a feature of the phone, not a message.
  if (/^(?:e-?mail|text|message|sms)\s+(?:notifications?|settings|alerts?|account|inbox|app|preferences)\s*[?.!]*$/i.test(t)) return 'inbox';
  if (REMINDER.test(t)) return 'reminder';
  if (LOAD_MAIL.test(t)) return 'inbox';
  if (BARE_CONTACT.test(t)) return 'contacts';
  if (THREAD_REPLY.test(t) && !/^open\s+(?:up\s+)?(?:a\s+)?new\b/i.test(t)) return 'inbox';
  if (MONEY.test(t) || MONEY_TO_PERSON.test(t)) return 'money';
  if (LOCATION_HEAD.test(t) && LOCATION.test(t)) return 'location';
  if (ATTACHMENT.test(t)) return 'attachment';
  if (/^(?:tell|let)\s+\S+(?:\s+and\s+\S+)?\s+(?:know\s+)?(?:where\s+(?:i|we)\b|my\s+location)/i.test(t)) return 'location';
  // An explicit address means a new message, whatever the words mention.
  if (!hasAddress && mentionsInbox(t)) return 'inbox';
  if (QUESTION_START.test(t) && !/^(?:have|get)\s+(?:a|an|the)\s+\S+\s+(?:message\s+)?sent\b/i.test(t)) return topicOfQuestion(t);
  if (/\b(?:add|added|save|saved|put|store|stored)\s+(?:it\s+)?(?:to|in|into|on)\s+(?:my\s+|the\s+)?(?:contacts?|contact list|address book)\b/i.test(t)) return 'contacts';
  if (SAVE_CONTACT.test(t) && /\b(?:contacts?|address book|phone ?book|email address|this email|new email|number)\b/i.test(t)) return 'contacts';
  return null;
}

/**
 * Mentions of mail that was received ("the email i just read", "jean's email",
 * "my last email") mean the inbox, which relaybot cannot see.
 */
function mentionsInbox(t: string): boolean {
  return (
    /\b(?:inbox|unread|mailbox|outlook|gmail inbox)\b/i.test(t) ||
    /\b(?:the|my|this|that|his|her|their|last|latest|recent|most recent|new|received)\s+(?:last\s+|latest\s+|recent\s+|new\s+)?e-?mails?\s+(?:from|i\s+(?:just\s+)?(?:got|received|read)|he|she|they|that|needs)\b/i.test(t) ||
    /\b[\w]+'s\s+(?:last\s+|latest\s+)?e-?mails?\b/i.test(t) ||
    /\b(?:last|latest|most recent|previous)\s+(?:received\s+)?e-?mails?\b/i.test(t) ||
    /\b(?:answer|reply to|respond to)\s+(?:it|this|that)\b/i.test(t) ||
    /\bgot an e-?mail from\b/i.test(t)
  );
}

function topicOfQuestion(t: string): ReplyTopic {
  if (MONEY.test(t) || /\bsend money\b/i.test(t)) return 'money';
  if (/\b(?:weather|forecast|temperature|rain|snow)\b/i.test(t)) return 'weather';
  if (/\b(?:location|where i am|gps|coordinates)\b/i.test(t)) return 'location';
  if (/\b(?:contacts?|phone number|number for|email address|address for|area code|'s number|'s email)\b/i.test(t)) return 'contacts';
  if (/\b(?:e-?mails?|mail|mails|inbox|messages?|texts?|wrote|write me|emailed|mailed|responded|got in touch|sender|subject)\b/i.test(t)) return 'inbox';
  if (/\b(?:calendar|meeting|meetings|schedule|appointment|event)\b/i.test(t)) return 'calendar';
  if (/\b(?:notifications|facebook|instagram|twitter|social)\b/i.test(t)) return 'social';
  // A question about anything else: say plainly that relaybot does not answer questions.
  return 'question';
}

/** A whole-utterance greeting, thanks or small talk. */
export function smallTalk(s: string): ReplyTopic | null {
  const t = s.trim().toLowerCase().replace(/[.!?,]+$/g, '');
  if (/^(?:hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening)|greetings|sup|what's up|whats up)(?: there)?(?: relaybot| bot)?$/.test(t)) return 'greeting';
  if (/^(?:thanks|thank you|thx|ty|cheers|great|perfect|cool|nice|awesome|ok|okay|got it)(?: very much| so much| a lot)?$/.test(t)) return 'thanks';
  return null;
}
