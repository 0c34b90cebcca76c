// Keyboard shortcuts on a focused draft card: Ctrl/⌘+Enter sends, E edits, Esc cancels.

export const SHORTCUTS = {
  confirm: 'Ctrl+Enter or ⌘+Enter',
  edit: 'E',
  cancel: 'Esc',
};

/** The tooltip of a card's buttons and of the card itself. */
export const SHORTCUT_HINT = 'Shortcuts on this card: Ctrl/⌘+Enter = Send, E = Edit, Esc = Cancel';

const typing = (target) => target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/**
 * Listen on the card element for the shortcuts. `act(action)` runs the button
 * of that action if the card shows it. Keys typed into a field (the edit form)
 * are left alone — the form has its own Esc and Ctrl+Enter.
 */
export function attachShortcuts(element, act) {
  element.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.isComposing || typing(event.target)) return;
    let action = null;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) action = 'confirm';
    else if ((event.key === 'e' || event.key === 'E') && !event.ctrlKey && !event.metaKey && !event.altKey) action = 'edit';
    else if (event.key === 'Escape') action = 'cancel';
    if (action && act(action)) event.preventDefault();
  });
}
