/**
 * Everyday words that start a message body rather than continue a name:
 * "text bob later" is Bob + "later", while "email george brown" is one name.
 * A surname is rarely one of these.
 */
export const COMMON_WORDS = new Set(
  (
    'later soon now tonight tomorrow today yesterday morning evening afternoon night week weekend ' +
    'home back late early ready here there running coming going leaving heading stuck done finished ' +
    'love miss call meet pick stop come go get bring buy grab wait please thanks thank sorry happy ' +
    'good great nice see talk be is are was will can could should would did do does have has had ' +
    'dinner lunch breakfast party meeting work school the a an and or but to for of in on at with ' +
    'about from by my your our his her their its me you we he she they it this that what where when ' +
    'why how who which all some any no not yes ok okay hi hello hey bye just still also too very ' +
    'outside inside downstairs upstairs asap urgent quick quickly again already almost nearly car ' +
    'bus train plane flight traffic office store shop house place way time minutes hours mins min ' +
    'hour day days tell ask say let know saying said says told asking telling reply message text ' +
    'email mail send sent wants want need needs if then than so because as like up down out off over ' +
    'landed arrived safe fine well sick ill tired busy free available congrats congratulations welcome ' +
    'im dont cant wont didnt isnt doesnt lets'
  ).split(/\s+/),
);
