import test from "ava";
import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { readJsonBody } from "../../../../src/api/rapi/body.js";
import { RapiError } from "../../../../src/api/rapi/errors.js";

function incoming(headers: Record<string, string>): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

function send(headers: Record<string, string>, body: string | Buffer): IncomingMessage {
  const request = incoming(headers);
  request.end(body);
  return request;
}

async function status(promise: Promise<unknown>): Promise<[number, string]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RapiError) return [error.status, error.message];
    throw error;
  }
  throw new Error("the body was accepted");
}

test("parses a JSON body sent as application/json (with or without parameters)", async (t) => {
  t.deepEqual(await readJsonBody(send({ "content-type": "application/json" }, '{"fields": ["status"]}'), 1024), { fields: ["status"] });
  t.is(await readJsonBody(send({ "content-type": "Application/JSON; charset=utf-8" }, '"regular"'), 1024), "regular");
});

test("an empty body is none, whatever its content type (Ganeti's client always sends application/json)", async (t) => {
  t.is(await readJsonBody(send({ "content-type": "text/plain" }, ""), 1024), undefined);
  t.is(await readJsonBody(send({}, ""), 1024), undefined);
});

test("refuses a body of another media type with 415, as Ganeti's daemon does", async (t) => {
  t.deepEqual(await status(readJsonBody(send({ "content-type": "application/x-www-form-urlencoded" }, "a=1"), 1024)), [
    415,
    'A request body must be application/json, not "application/x-www-form-urlencoded".',
  ]);
  t.is((await status(readJsonBody(send({}, "{}"), 1024)))[0], 415, "no content type means application/octet-stream");
});

test("refuses invalid JSON and invalid UTF-8 with 400", async (t) => {
  const json = { "content-type": "application/json" };
  t.regex((await status(readJsonBody(send(json, "{fields:"), 1024)))[1], /^Unable to parse JSON data: /);
  t.deepEqual(await status(readJsonBody(send(json, Buffer.from([0x22, 0xff, 0x22])), 1024)), [400, "The request body is not valid UTF-8."]);
});

test("refuses a declared length over the limit with 413 before reading anything", async (t) => {
  const request = incoming({ "content-type": "application/json", "content-length": "2048" });
  t.deepEqual(await status(readJsonBody(request, 1024)), [413, "The request body is larger than 1024 bytes."]);
  t.is(request.listenerCount("data"), 0);
});

test("stops buffering a streamed body at the limit and drops the rest", async (t) => {
  const request = incoming({ "content-type": "application/json" });
  const reading = readJsonBody(request, 1024);
  request.write(Buffer.alloc(1000, 0x20));
  request.write(Buffer.alloc(100, 0x20));
  t.deepEqual(await status(reading), [413, "The request body is larger than 1024 bytes."]);
  t.is(request.listenerCount("data"), 0, "nothing collects the rest");
  t.true(request.readableFlowing, "the rest flows away");
  request.end(Buffer.alloc(1024 * 1024, 0x20));
});
