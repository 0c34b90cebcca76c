/**
 * "cancel", "never mind", "forget it": the person wants the half-finished
 * request dropped. Whole-utterance only, so "text bob cancel the party" is a message.
 */
const CANCEL =
  /^(?:(?:ok(?:ay)?|no|nah|actually|oh|hmm)[,!.]?\s+)?(?:cancel|stop|abort|quit|never ?mind|nevermind|nvm|forget (?:it|that|about it|this)|scrap (?:it|that|this)|drop (?:it|that|this)|don'?t (?:send|bother)(?: it| that| anything)?|do not send(?: it| that| anything)?|no thanks|no thank you|no,? cancel|leave it)(?:\s+(?:it|that|this|please|then|the message|the request|everything))*(?:,?\s*(?:thanks|thank you|please))?\s*[.!]*$/i;

export function isCancel(text: string): boolean {
  return CANCEL.test(text.trim());
}

/** "help", "/help", "what can you do". */
export function isHelp(text: string): boolean {
  return /^\/?(?:help|\?|commands|examples|how does this work|how do i use (?:this|you|relaybot)|what can you do|what do you do)\s*[?!.]*$/i.test(text.trim());
}
