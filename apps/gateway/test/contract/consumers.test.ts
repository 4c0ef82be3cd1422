import type { AddressInfo } from "node:net";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { getMainDefinition } from "@apollo/client/utilities";
import { ON_MOCK, TARGET_URL } from "@flinks-authorize/kit/contract-target";
import { fetchExchange, Client as UrqlClient } from "@urql/core";
import { parse, print } from "graphql";
import { GraphQLClient } from "graphql-request";
import { createClient as createSseClient } from "graphql-sse";
import { Observable } from "rxjs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  AuthorizationDocument,
  AuthorizeDocument,
  SubmitMfaDocument,
} from "../../operations/generated/graphql.js";
import possibleTypesResult from "../../operations/generated/possible-types.js";
import { loadConfig } from "../../src/config/index.js";
import { createGateway, type Gateway } from "../../src/gateway.js";
import { createHttpServer } from "../../src/http/server.js";
import { CALLER_KEY, LOGIN_ID } from "../harness.js";
import { mockOnly } from "./support.js";

/**
 * The consumer matrix: each standard GraphQL client a lender might already use runs the whole flow against
 * the gateway over HTTP (authorize, MFA, a Pending followed over the subscription, a typed error), with
 * exactly the settings docs/consumers/clients.md gives for it, and the documented operations as
 * `pnpm generate` writes them. The gateway runs in mock mode on this run's Prism, with an API key, as a
 * lender's back end would call it; `Prefer` picks Prism's answer per request.
 */

type Result = { __typename: string; [field: string]: unknown };

interface Consumer {
  /** Runs a mutation; `prefer` is sent as the Prefer header of that request alone. */
  mutate(
    document: string,
    variables: Record<string, unknown>,
    prefer?: string,
  ): Promise<Record<string, Result>>;
  /** Every event of a subscription until it completes; undefined when the tool has no subscriptions. */
  subscribe?(document: string, variables: Record<string, unknown>): Promise<Result[]>;
}

const AUTH = { authorization: `Bearer ${CALLER_KEY}` };
let gateway: Gateway;
let server: ReturnType<typeof createHttpServer>;
let url: string;

const withPrefer = (prefer?: string): Record<string, string> => (prefer ? { ...AUTH, prefer } : AUTH);

const consumers: Record<string, () => Consumer> = {
  "plain fetch": () => ({
    async mutate(document, variables, prefer) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...withPrefer(prefer) },
        body: JSON.stringify({ query: document, variables }),
      });
      return ((await response.json()) as { data: Record<string, Result> }).data;
    },
    async subscribe(document, variables) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...AUTH },
        body: JSON.stringify({ query: document, variables }),
      });
      const events = (await response.text()).split("\n\n").filter((event) => event.startsWith("event: next"));
      return events.map(
        (event) =>
          (JSON.parse(event.slice(event.indexOf("data: ") + 6)) as { data: { authorization: Result } }).data
            .authorization,
      );
    },
  }),

  "graphql-request 7": () => {
    const client = new GraphQLClient(url, { headers: AUTH });
    return {
      mutate: (document, variables, prefer) =>
        client.request<Record<string, Result>>(document, variables, prefer ? { prefer } : undefined),
    };
  },

  "graphql-sse 2 (distinct connections)": () => {
    const client = createSseClient({ url, headers: AUTH });
    return {
      mutate: async (document, variables, prefer) => {
        // graphql-sse sends every operation as an event stream; a mutation's stream has one result.
        const headered = createSseClient({ url, headers: withPrefer(prefer) });
        const [result] = await collect(headered, document, variables);
        headered.dispose();
        return result as Record<string, Result>;
      },
      subscribe: async (document, variables) =>
        (await collect(client, document, variables)).map(
          (data) => (data as { authorization: Result }).authorization,
        ),
    };
  },

  "urql 6 (GET queries, fetch subscriptions)": () => {
    const client = new UrqlClient({
      url,
      exchanges: [fetchExchange],
      fetchOptions: () => ({ headers: AUTH }),
      preferGetMethod: true,
      fetchSubscriptions: true,
    });
    return {
      async mutate(document, variables, prefer) {
        const result = await client
          .mutation(document, variables, { fetchOptions: { headers: withPrefer(prefer) } })
          .toPromise();
        if (result.error) throw result.error;
        return result.data as Record<string, Result>;
      },
      subscribe: (document, variables) =>
        new Promise((resolve, reject) => {
          const results: Result[] = [];
          const { unsubscribe } = client.subscription(document, variables).subscribe((result) => {
            if (result.error) {
              unsubscribe();
              reject(result.error);
              return;
            }
            results.push((result.data as { authorization: Result }).authorization);
            if (!result.hasNext) resolve(results);
          });
          // urql reports completion as hasNext: false on the last result; a stream that ends without one
          // is caught by the test's own timeout.
        }),
    };
  },

  "Apollo Client 4 (HttpLink; subscriptions through graphql-sse; possibleTypes from pnpm generate)": () => {
    const client = new ApolloClient({
      // Apollo's HttpLink speaks multipart subscriptions, which Yoga does not serve: subscriptions go
      // through graphql-sse (its README's Apollo recipe), the rest through HttpLink.
      link: ApolloLink.split(
        ({ query }) => {
          const main = getMainDefinition(query);
          return main.kind === "OperationDefinition" && main.operation === "subscription";
        },
        new SseLink(url, AUTH),
        new HttpLink({ uri: url, headers: AUTH }),
      ),
      cache: new InMemoryCache({ possibleTypes: possibleTypesResult.possibleTypes }),
    });
    return {
      async mutate(document, variables, prefer) {
        const result = await client.mutate({
          mutation: parse(document),
          variables,
          context: { headers: withPrefer(prefer) },
        });
        return result.data as Record<string, Result>;
      },
      subscribe: (document, variables) =>
        new Promise((resolve, reject) => {
          const results: Result[] = [];
          client.subscribe({ query: parse(document), variables }).subscribe({
            next: (result) => results.push((result.data as { authorization: Result }).authorization),
            error: reject,
            complete: () => resolve(results),
          });
        }),
    };
  },
};

/** graphql-sse's recipe for Apollo Client: a link that sends its operations as server-sent events. */
class SseLink extends ApolloLink {
  private readonly client: ReturnType<typeof createSseClient>;
  constructor(url: string, headers: Record<string, string>) {
    super();
    this.client = createSseClient({ url, headers });
  }
  override request(operation: ApolloLink.Operation): Observable<ApolloLink.Result> {
    return new Observable((sink) =>
      this.client.subscribe(
        { query: print(operation.query), variables: operation.variables },
        {
          next: (result) => sink.next(result as ApolloLink.Result),
          complete: () => sink.complete(),
          error: (error) => sink.error(error),
        },
      ),
    );
  }
}

function collect(
  client: ReturnType<typeof createSseClient>,
  query: string,
  variables: Record<string, unknown>,
) {
  return new Promise<unknown[]>((resolve, reject) => {
    const results: unknown[] = [];
    client.subscribe(
      { query, variables },
      { next: (result) => results.push(result.data), error: reject, complete: () => resolve(results) },
    );
  });
}

describe.skipIf(!ON_MOCK)(mockOnly("the consumer matrix: every standard client runs the whole flow"), () => {
  beforeAll(async () => {
    gateway = createGateway(
      loadConfig({
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        FLINKS_MOCK_URL: TARGET_URL,
        GATEWAY_API_KEYS: CALLER_KEY,
        FLINKS_POLL_INTERVAL_MS: "100",
      }),
    );
    server = createHttpServer(gateway, { maxConnections: 1_000, maxConnectionsPerSource: 1_000 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await gateway.close();
  });

  describe.each(Object.entries(consumers))("%s", (_, make) => {
    test("authorize (cached): Authorized", async () => {
      const data = await make().mutate(String(AuthorizeDocument), { input: { loginId: LOGIN_ID } });
      expect(data.authorize).toMatchObject({ __typename: "Authorized", login: { id: LOGIN_ID } });
    });

    test("MFA: MfaRequired, then submitMfa with its handle: Authorized", async () => {
      const consumer = make();
      const challenge = (
        await consumer.mutate(String(AuthorizeDocument), { input: { loginId: LOGIN_ID } }, "code=203")
      ).authorize;
      expect(challenge?.__typename).toBe("MfaRequired");
      const prompts = ((challenge?.challenges ?? []) as Array<{ prompt: string }>).map(({ prompt }) => ({
        prompt,
        answers: ["Triangle"],
      }));
      const answered = await consumer.mutate(String(SubmitMfaDocument), {
        input: { handle: challenge?.handle, responses: prompts },
      });
      expect(answered.submitMfa?.__typename).toBe("Authorized");
    });

    test("a typed error: InvalidCredentialsError with its code and retryable (the Error interface's fields)", async () => {
      const data = await make().mutate(
        String(AuthorizeDocument),
        { input: { loginId: LOGIN_ID } },
        "code=401, example=INVALID_PASSWORD",
      );
      expect(data.authorize).toMatchObject({
        __typename: "InvalidCredentialsError",
        code: "INVALID_PASSWORD",
        retryable: false,
      });
    });

    test("a Pending followed over the subscription to Authorized", async (context) => {
      const consumer = make();
      if (!consumer.subscribe)
        context.skip("this tool has no subscriptions: use graphql-sse or fetch beside it");
      const pending = (
        await consumer.mutate(
          String(AuthorizeDocument),
          { input: { loginId: LOGIN_ID } },
          "code=202, example=OPERATION_PENDING",
        )
      ).authorize;
      expect(pending?.__typename).toBe("Pending");
      const events = await consumer.subscribe?.(String(AuthorizationDocument), { handle: pending?.handle });
      expect(events?.at(-1)?.__typename).toBe("Authorized");
    });
  });

  test("Apollo Client without possibleTypes drops the Error interface's fields: why the docs give the setting", async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: url, headers: AUTH }),
      cache: new InMemoryCache(),
    });
    const result = await client.mutate({
      mutation: parse(String(AuthorizeDocument)),
      variables: { input: { loginId: LOGIN_ID } },
      context: { headers: withPrefer("code=401, example=INVALID_PASSWORD") },
    });
    const authorize = (result.data as { authorize: Result }).authorize;
    expect(authorize.__typename).toBe("InvalidCredentialsError");
    expect(authorize.code).toBeUndefined();
  });
});
