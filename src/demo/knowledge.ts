// The demo council's knowledge base: articles an advisor at Severn Marches would really use, and
// the public versions of a few, each beside the service it is about (left without one when the
// catalogue lacks that service). Seeding again adds only the articles whose titles are missing.
import type { Db } from '../db/database.ts';
import { systemActor } from '../platform/actor.ts';
import { createKnowledgeService } from '../services/knowledge.ts';
import type { Audience } from '../services/knowledgePolicy.ts';

interface DemoArticle {
  service: string | null;
  audience: Audience;
  title: string;
  body: string;
  titleCy?: string;
  bodyCy?: string;
}

export const DEMO_ARTICLES: DemoArticle[] = [
  {
    service: 'bin-collection-days',
    audience: 'advisor',
    title: 'Missed bin collection: what to check before reporting',
    body: `Check the address's collection day and which bin was due this week (the calendar alternates general waste and recycling).

If the crew's log shows the bin was not out by 7am, or was contaminated, explain this and give the next collection date. Do not raise a case.

If the crew missed it, raise a missed collection case. Collections reported within two working days are returned within two working days of the report. After that, the resident should put the bin out on the next collection day.

Repeated misses (three in three months) go to the Waste team leader, who can add the address to the assisted list or a crew note.`,
  },
  {
    service: 'bin-collection-days',
    audience: 'public',
    title: 'Report a missed bin collection',
    body: `Please put your bin at the edge of your property by 7am on your collection day, with the lid closed.

If we have missed your bin, tell us within two working days and we will come back within two working days. Leave the bin out until we do.

If we could not empty your bin because it had the wrong things in it, we will leave a tag on it explaining why.`,
    titleCy: 'Rhoi gwybod am fin heb ei gasglu',
    bodyCy: `Rhowch eich bin ar ymyl eich eiddo erbyn 7am ar eich diwrnod casglu, gyda’r caead ar gau.

Os ydyn ni wedi methu’ch bin, rhowch wybod i ni o fewn dau ddiwrnod gwaith a byddwn yn dod yn ôl o fewn dau ddiwrnod gwaith. Gadewch y bin allan nes i ni wneud hynny.`,
  },
  {
    service: 'bin-collection-days',
    audience: 'advisor',
    title: 'Assisted bin collections',
    body: `Residents who cannot move their bin to the kerb because of age, disability or ill health, and have nobody in the household who can, may ask for an assisted collection.

The crew collects the bin from an agreed place and returns it. Record the place clearly (for example "side gate, left of garage").

Raise a case for Waste and Recycling; the team reviews each assisted collection every two years.`,
  },
  {
    service: 'bulky-waste',
    audience: 'advisor',
    title: 'Bulky waste collection: prices and what we take',
    body: `We collect up to 10 items per booking: furniture, white goods, mattresses, bicycles, garden furniture.

We do not collect building rubble, plasterboard, tyres, asbestos, car parts or anything from inside a business.

Fridges and freezers count as two items. Residents on Council Tax Reduction get a 50% discount: check the account before quoting.

Items must be outside the property by 7am on the booked day, and the resident need not be in.`,
  },
  {
    service: 'bulky-waste',
    audience: 'public',
    title: 'Book a bulky waste collection',
    body: `We can collect large household items such as sofas, beds, wardrobes and washing machines, up to 10 items at a time.

Tell us what you need collected and we will give you a date and a price. Put the items outside your home by 7am on the day.

Many items in good condition can be reused: local charities may collect furniture for free.`,
    titleCy: 'Trefnu casgliad gwastraff swmpus',
    bodyCy: `Gallwn gasglu eitemau mawr o’r cartref fel soffas, gwelyau, wardrobau a pheiriannau golchi, hyd at 10 eitem ar y tro.

Rhowch wybod i ni beth sydd angen ei gasglu a byddwn yn rhoi dyddiad a phris i chi.`,
  },
  {
    service: 'council-tax',
    audience: 'advisor',
    title: 'Council Tax when someone moves home',
    body: `Take the moving date, the new address and a forwarding address if they are leaving the district.

Moving within the district: close the old account on the moving date and open the new one from the day after. The resident gets a new bill for each account.

Moving out of the district: close the account and send the final bill to the forwarding address. Any credit is refunded once the final bill is paid.

Ask whether anyone else still lives at the old address: they may need an account of their own, or a single person discount.`,
  },
  {
    service: 'council-tax',
    audience: 'public',
    title: 'Tell us you are moving home',
    body: `Tell us at least two weeks before you move, or as soon as you can.

We need your moving date, your new address and the names of everyone aged 18 or over moving with you.

We will send a final bill for your old home, and a new bill if you are staying in the district.`,
    titleCy: 'Rhowch wybod i ni eich bod yn symud tŷ',
    bodyCy: `Rhowch wybod i ni o leiaf bythefnos cyn i chi symud, neu cyn gynted ag y gallwch.

Mae angen dyddiad eich symud, eich cyfeiriad newydd ac enwau pawb 18 oed neu hŷn sy’n symud gyda chi.`,
  },
  {
    service: 'council-tax',
    audience: 'advisor',
    title: 'Single person discount',
    body: `A home where only one adult (18 or over) lives gets 25% off the bill.

Some people are not counted, for example full-time students, apprentices and people with a severe mental impairment. Check the list before refusing.

Backdate to the date the person became the only adult, up to six years, if the evidence supports it. Review notices go out every year.`,
  },
  {
    service: 'potholes',
    audience: 'advisor',
    title: 'Reporting a pothole: what to ask',
    body: `Ask for the exact place: the road name, the nearest house number or landmark, and which side of the road.

Ask how deep and how wide it is. A pothole 40mm deep or more on a road, or 20mm on a pavement, meets the intervention level.

If it is putting anyone in danger now, answer "yes" to the danger question: the case goes to the urgent queue and an inspector attends within 24 hours.

Claims for damage to a vehicle are not raised here: give the insurance claims details instead.`,
  },
  {
    service: 'potholes',
    audience: 'public',
    title: 'Potholes: how we decide what to repair',
    body: `An inspector visits every pothole reported to us. We make dangerous ones safe within 24 hours.

Other potholes are repaired within 28 days, or added to a planned resurfacing scheme if the road is due to be resurfaced soon.

You can track your report with the reference we give you.`,
    titleCy: 'Tyllau yn y ffordd: sut rydyn ni’n penderfynu beth i’w atgyweirio',
    bodyCy: `Mae arolygydd yn ymweld â phob twll yn y ffordd sy’n cael ei adrodd i ni. Rydyn ni’n gwneud rhai peryglus yn ddiogel o fewn 24 awr.

Caiff tyllau eraill eu hatgyweirio o fewn 28 diwrnod.`,
  },
  {
    service: 'fly-tipping',
    audience: 'advisor',
    title: 'Fly-tipping: taking a report',
    body: `Ask where it is, what has been dumped and roughly how much (a bin bag, a car boot load, a small van load or more).

Ask whether it includes anything hazardous: asbestos sheets, chemical drums, gas bottles or needles. If so, tell the caller not to touch it and mark the case hazardous.

If the caller saw who dumped it, take a description and any vehicle registration. Do not ask them to approach anyone.

Fly-tipping on private land is the landowner's to clear, but we still record it and may investigate.`,
  },
  {
    service: 'fly-tipping',
    audience: 'public',
    title: 'Report fly-tipping',
    body: `Fly-tipping is dumping waste illegally. Tell us where it is and what it is, and we will clear it from public land.

Please do not touch it, especially if it might contain needles, asbestos or chemicals.

If you saw it being dumped, tell us what you saw. You can be fined up to £1,000 if your waste is fly-tipped by someone you paid to take it away, so always check that they hold a waste carrier licence.`,
  },
  {
    service: 'bereavement-services',
    audience: 'advisor',
    title: 'Register a death: booking and what to bring',
    body: `A death in England must be registered within five days, in the district where it happened. Book an appointment at the register office.

The informant is usually a relative. They need the medical certificate of cause of death (sent by the doctor to the register office), and if possible the person's NHS number, birth certificate and proof of address.

If the death has been referred to the coroner, registration waits for the coroner's decision: explain this gently and give the coroner's office number.

Offer Tell Us Once at the appointment: it tells other council services and government departments at one go.`,
    titleCy: 'Cofrestru marwolaeth: trefnu apwyntiad a beth i ddod gyda chi',
    bodyCy: `Rhaid cofrestru marwolaeth yng Nghymru a Lloegr o fewn pum diwrnod, yn yr ardal lle digwyddodd. Trefnwch apwyntiad yn y swyddfa gofrestru.

Cynigiwch y gwasanaeth Dweud Wrthym Unwaith yn yr apwyntiad.`,
  },
  {
    service: 'street-lights',
    audience: 'advisor',
    title: 'Street light faults',
    body: `Ask for the column number: it is on a plate or sticker on the post, about head height.

A single light out is repaired within 10 working days. Three or more lights out in a row, a light that is flickering dangerously, or a damaged or leaning column are urgent.

Lights on main roads owned by National Highways are not ours: give their contact details instead.`,
  },
  {
    service: 'noise-nuisance',
    audience: 'advisor',
    title: 'Noise complaints: first steps',
    body: `Ask what the noise is, when it happens and how often, and how it affects the caller.

Send the noise diary pack. Environmental Health opens an investigation when the diary shows a pattern over two weeks.

For noise happening now, give the out-of-hours service number (Friday and Saturday nights, 10pm to 3am).

Do not give the caller's name to the person they complain about; tell them we keep it confidential.`,
  },
  {
    service: 'homelessness-advice',
    audience: 'advisor',
    title: 'Someone is homeless tonight',
    body: `If the person has nowhere safe to sleep tonight, transfer the call to the Housing duty officer straight away, or during the night to the emergency out-of-hours line.

Do not end the call before they are through. Record the contact with the outcome "transferred".

If there are children in the household or the person is at risk of violence, say so to the duty officer first.`,
  },
];

/** Adds the demo articles the council does not have yet (by title); returns how many it added. */
export async function seedDemoKnowledge(db: Db, councilId: string): Promise<number> {
  const actor = systemActor('demo');
  const knowledge = createKnowledgeService(db);
  const [existing, services] = await Promise.all([
    db.selectFrom('knowledge_articles').select('title').where('council_id', '=', councilId).execute(),
    db.selectFrom('services').select(['id', 'code']).where('council_id', '=', councilId).execute(),
  ]);
  const titles = new Set(existing.map((row) => row.title));
  const serviceIds = new Map(services.map((service) => [service.code, service.id]));
  let added = 0;
  for (const article of DEMO_ARTICLES) {
    if (titles.has(article.title)) continue;
    await knowledge.create(
      actor,
      {
        title: article.title,
        body: article.body,
        titleCy: article.titleCy,
        bodyCy: article.bodyCy,
        audience: article.audience,
        serviceId: (article.service && serviceIds.get(article.service)) || '',
      },
      { councilId, status: 'published' },
    );
    added += 1;
  }
  return added;
}
