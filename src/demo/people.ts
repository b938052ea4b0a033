// Made-up but realistic people of the Welsh Marches, for the demo council and the benchmarks:
// names from the families who live there now (Welsh, English, Polish, South Asian, West
// African, Chinese, Romanian, Filipino, Irish...), dates of birth, mobile numbers in ranges that
// pass libphonenumber (not Ofcom's 07700 900xxx drama range, which it rejects), landlines on
// the area's own codes, and email addresses on the reserved example domains, so no real inbox
// is ever written to. The same seed always gives the same people.

/** A seeded pseudo-random generator (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Random = () => number;

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Picks from a list ordered most common first: early entries come up far more often. */
export function pickCommon<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() ** 2.2 * items.length)]!;
}

export function between(random: Random, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/** A list written as comma-separated words (a name may hold a space: "Li Na", "ap Rhys"). */
function list(text: string): readonly string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

// Given names, most common first, then by community; surnames likewise.
const FEMALE_NAMES = list(`
  Sarah, Emma, Claire, Helen, Rachel, Laura, Jennifer, Karen, Susan, Margaret,
  Elizabeth, Catherine, Joanne, Nicola, Lisa, Amanda, Julie, Michelle, Rebecca, Hannah,
  Sophie, Charlotte, Olivia, Amelia, Emily, Jessica, Lucy, Chloe, Grace, Ella,
  Mia, Isla, Ava, Poppy, Evie, Freya, Lily, Ruby, Alice, Florence,
  Patricia, Barbara, Jean, Sandra, Christine, Pauline, Brenda, Janet, Linda, Carol,
  Dorothy, Joan, Sheila, Valerie, Gillian, Denise, Tracey, Donna, Kelly, Gemma,
  Victoria, Natalie, Kirsty, Zoe, Abigail, Megan, Bethany, Holly, Jade, Leanne,
  Siân, Ffion, Cerys, Bethan, Catrin, Eleri, Gwen, Nia, Rhiannon, Angharad,
  Carys, Delyth, Eirlys, Elin, Glenys, Gwenllian, Heledd, Llinos, Lowri, Mari,
  Nest, Non, Seren, Sioned, Tegan, Mererid, Manon, Alaw, Efa, Heulwen,
  Agnieszka, Katarzyna, Małgorzata, Anna, Magdalena, Joanna, Monika, Ewa, Zofia, Natalia,
  Ioana, Elena, Andreea, Maria, Ieva, Rūta, Ana, Inês,
  Priya, Aisha, Fatima, Ayesha, Sana, Amina, Zainab, Anjali, Deepa, Harpreet,
  Manpreet, Simran, Nusrat, Shazia, Rukhsana, Kiran, Nadia, Farah,
  Adaeze, Chiamaka, Ngozi, Funmilayo, Abena, Akosua, Yetunde, Folake, Wanjiru, Amara,
  Marcia, Shanice,
  Mei, Xiu, Li Na, Jing, Maricel, Rowena, Lien, Yasmin, Leila, Noor,
  Hana, Roisin, Siobhan, Aoife, Niamh, Mairead, Kirsteen, Morag,
`);

const MALE_NAMES = list(`
  David, John, Michael, Paul, Andrew, Mark, Richard, James, Peter, Robert,
  Stephen, Christopher, Ian, Simon, Gary, Neil, Martin, Anthony, Steven, Jason,
  Daniel, Thomas, Matthew, Jonathan, Adam, Benjamin, Samuel, Joseph, Luke, Ryan,
  Oliver, George, Harry, Jack, Noah, Leo, Charlie, Freddie, Alfie, Oscar,
  William, Henry, Arthur, Edward, Alfred, Kenneth, Brian, Keith, Graham, Colin,
  Roger, Trevor, Derek, Malcolm, Barry, Terry, Philip, Nigel, Wayne, Craig,
  Lee, Scott, Carl, Darren, Dean, Kyle, Liam, Nathan, Callum, Kieran,
  Rhys, Dafydd, Gareth, Huw, Owain, Aled, Iwan, Gethin, Emyr, Hywel,
  Ieuan, Iolo, Llŷr, Meirion, Osian, Trystan, Alun, Bryn, Cai, Deiniol,
  Elis, Geraint, Gruffudd, Idris, Islwyn, Math, Rhodri, Tomos, Dewi, Emlyn,
  Piotr, Krzysztof, Tomasz, Paweł, Marcin, Michał, Łukasz, Jakub, Grzegorz, Wojciech,
  Andrei, Mihai, Ionuț, Bogdan, Tomas, Mantas, João, Tiago,
  Mohammed, Ahmed, Imran, Tariq, Bilal, Hassan, Omar, Rajesh, Sanjay, Amit,
  Vikram, Arjun, Gurpreet, Harjit, Jaspal, Sukhwinder, Faisal, Asif, Zubair, Kamran,
  Chukwuemeka, Oluwaseun, Adebayo, Kwame, Kofi, Emeka, Tunde, Babatunde, Kwabena, Yaw,
  Delroy, Winston,
  Wei, Jun, Hao, Jian, Rodel, Jericho, Minh, Duc, Yusuf, Ali,
  Reza, Ciaran, Declan, Padraig, Eoin, Hamish, Alasdair,
`);

const SURNAMES = list(`
  Jones, Williams, Davies, Evans, Thomas, Roberts, Hughes, Lewis, Morgan, Griffiths,
  Smith, Brown, Taylor, Wilson, Johnson, Wright, Walker, Wood, Edwards, Green,
  Owen, Jenkins, Price, Morris, James, Phillips, Rees, Parry, Powell, Lloyd,
  Pugh, Bowen, Pritchard, Vaughan, Ellis, Watkins, Harris, Richards, Mason, Baker,
  Hall, Clarke, Jackson, White, Harrison, Martin, Cooper, King, Lee, Turner,
  Hill, Moore, Clark, Allen, Young, Robinson, Thompson, Scott, Mitchell, Carter,
  Bennett, Shaw, Cook, Bailey, Collins, Marshall, Bell, Ward, Murphy, Cox,
  Lowe, Holmes, Fisher, Chapman, Dixon, Webb, Rogers, Gray, Stevens, Hunt,
  Barnes, Palmer, Russell, Mills, Knight, Butler, Gibson, Ross, Hayes, Francis,
  Bradley, Fox, Newman, Hart, Lane, Reynolds, Kelly, Stone, Porter, Sutton,
  Tudor, Llewellyn, Meredith, Howells, Gwynne, Prosser, Maddox, Beddoes, Bevan, Gittins,
  Breeze, Pryce, Humphreys, Kynaston, Matthias, Probert, Rowlands, Tanat, Trevor, Wynn,
  ap Rhys, Cadwaladr, Gruffydd, Hopkins, Jarman, Lewis-Jones, Mostyn, Nicholas, Penry, Rhydderch,
  Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, Woźniak,
  Popescu, Ionescu, Popa, Kazlauskas, Petrauskas, Silva, Santos, Ferreira, Oliveira, Costa,
  Khan, Ahmed, Ali, Hussain, Shah, Patel, Singh, Kaur, Begum, Iqbal,
  Sharma, Gupta, Chaudhry, Rahman, Akhtar, Malik, Sandhu, Gill, Mistry, Chowdhury,
  Okafor, Okonkwo, Adeyemi, Mensah, Boateng, Owusu, Eze, Adebayo, Ogunleye, Mwangi,
  Campbell, Grant, Henry, Brown-Lewis, Chen, Wang, Li, Zhang, Liu, Wong,
  Nguyen, Tran, Santos-Reyes, Dela Cruz, Garcia, Reyes, O'Brien, O'Connor, Byrne, Doyle,
  McCarthy, Gallagher, MacDonald, MacLeod, Fraser, Stewart, Kaya, Yilmaz, Demir, Haddad,
  Bowdler, Corbett, Mytton, Hotchkiss, Tudor-Jones, Everall, Onions, Jebb, Bickerton, Tomkins,
  Cartwright, Beddow, Dodd, Heath, Gough, Lea, Perks, Ashley, Brayne, Wilcox,
`);

/**
 * Mobile prefixes whose every number libphonenumber accepts as a UK mobile. Not 07700 900xxx
 * (Ofcom's drama range) nor all of 07911 (only some of its numbers are allocated).
 */
const MOBILE_PREFIXES = list(`
  07912, 07712, 07721, 07734, 07746, 07760, 07787, 07801, 07812, 07825,
  07834, 07850, 07866, 07875, 07887, 07903, 07921, 07932, 07944, 07951,
  07958, 07967, 07970, 07984, 07401, 07412, 07432, 07445, 07450, 07462,
  07479, 07481, 07503, 07512, 07525, 07538, 07543, 07552, 07557, 07580,
`);

/** The area's own dialling codes: Oswestry, Shrewsbury, Welshpool, Wem, Ellesmere, Whitchurch. */
const LANDLINE_CODES = ['01691', '01743', '01938', '01939', '01948'] as const;

const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'] as const;

export type Sex = 'female' | 'male';

export interface Person {
  title: string;
  givenName: string;
  familyName: string;
  sex: Sex;
  /** YYYY-MM-DD. */
  dateOfBirth: string;
  email: string;
  /** As a person would write it: "07912 123456". */
  mobile: string;
  /** "01691 612345". */
  landline: string;
}

export interface PeopleOptions {
  /** Ages are counted back from this day (a fixed day keeps the people the same). */
  on?: string;
  minimumAge?: number;
  maximumAge?: number;
}

/** One person, drawn from `random`. */
export function aPerson(random: Random, options: PeopleOptions = {}): Person {
  const sex: Sex = random() < 0.52 ? 'female' : 'male';
  const givenName = pickCommon(random, sex === 'female' ? FEMALE_NAMES : MALE_NAMES);
  const familyName = pickCommon(random, SURNAMES);
  const dateOfBirth = birthDate(random, options);
  const age = Number((options.on ?? REFERENCE_DAY).slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  const title =
    sex === 'male'
      ? random() < 0.03
        ? 'Dr'
        : 'Mr'
      : random() < 0.03
        ? 'Dr'
        : age < 30
          ? pick(random, ['Ms', 'Miss', 'Ms'])
          : pick(random, ['Mrs', 'Ms', 'Mrs', 'Miss']);
  return {
    title,
    givenName,
    familyName,
    sex,
    dateOfBirth,
    email: emailFor(random, givenName, familyName, dateOfBirth),
    mobile: `${pick(random, MOBILE_PREFIXES)} ${digits(random, 6)}`,
    landline: `${pick(random, LANDLINE_CODES)} ${between(random, 2, 8)}${digits(random, 5)}`,
  };
}

/** `count` people from `seed`, made one at a time (a million need no more memory than one). */
export function* people(seed: number, count: number, options: PeopleOptions = {}): Generator<Person> {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) yield aPerson(random, options);
}

/** A surname a person may have had before (a maiden name). */
export function aFormerSurname(random: Random, not: string): string {
  for (;;) {
    const surname = pickCommon(random, SURNAMES);
    if (surname !== not) return surname;
  }
}

const REFERENCE_DAY = '2025-06-01';

function birthDate(random: Random, options: PeopleOptions): string {
  const on = new Date(`${options.on ?? REFERENCE_DAY}T00:00:00Z`);
  const minimum = options.minimumAge ?? 17;
  const maximum = options.maximumAge ?? 96;
  // Adults of every age, a few more in middle and later life, as at a council's front door.
  const age = minimum + (maximum - minimum) * (0.5 * random() + 0.5 * random());
  const day = new Date(on.getTime() - Math.floor(age * 365.25 * 86_400_000));
  return day.toISOString().slice(0, 10);
}

function emailFor(random: Random, givenName: string, familyName: string, dateOfBirth: string): string {
  const given = plainLetters(givenName);
  const family = plainLetters(familyName);
  const year = dateOfBirth.slice(2, 4);
  const local = pick(random, [
    `${given}.${family}`,
    `${given}${family}${year}`,
    `${given[0]}${family}`,
    `${given}.${family}${between(random, 1, 99)}`,
    `${family}.${given}`,
    `${given}_${family}${year}`,
  ]);
  return `${local}@${pick(random, EMAIL_DOMAINS)}`;
}

const plainNames = new Map<string, string>();

/** A name as it goes in an email address: "Siân" -> "sian", "O'Brien" -> "obrien". */
function plainLetters(name: string): string {
  let plain = plainNames.get(name);
  if (plain === undefined) {
    plain = withoutAccents(name);
    plainNames.set(name, plain);
  }
  return plain;
}

function withoutAccents(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function digits(random: Random, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += Math.floor(random() * 10);
  return text;
}
