import { PassThrough } from "node:stream";
import test from "ava";
import { askUser } from "../../../../src/cli/instance/confirm.js";

async function ask(answers: string, end = true): Promise<{ answer: boolean; shown: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = "";
  output.on("data", (chunk: Buffer) => (shown += chunk.toString()));
  if (end) input.end(answers);
  else input.write(answers);
  const answer = await askUser("Remove web1?", input, output);
  return { answer, shown };
}

test("asks as Ganeti's AskUser does: y is yes, n or an empty line no, ? explains", async (t) => {
  t.deepEqual(await ask("y\n", false), { answer: true, shown: "Remove web1?\ny/[n]/?: " });
  t.is((await ask("n\n", false)).answer, false);
  t.is((await ask("\n", false)).answer, false);
  const helped = await ask("?\nyes\n", false);
  t.true(helped.answer);
  t.is(helped.shown, "Remove web1?\ny/[n]/?:  y - Perform the operation\n n - Do not perform the operation\n ? - Show this help\ny/[n]/?: ");
});

test("the end of the input is a no", async (t) => {
  t.is((await ask("")).answer, false);
  t.is((await ask("maybe\n")).answer, false);
});
