"""A fake Stripe at the HTTP edge: a small threaded server on 127.0.0.1 that answers the
calls Masthead makes with objects shaped like Stripe's (API version 2025-03-31 and later:
periods on subscription items, an invoice's subscription under ``parent``, its payments
as invoice payments). The real SDK talks to it; nothing else is faked.

Tests arrange state with the builders (``subscription``, ``invoice``, ``charge``,
``checkout_session``), wrap objects in events with ``event``, and deliver them to
``/webhooks/stripe`` signed with the SDK's own signing helper (``signed_delivery``).
"""

import itertools
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_test_masthead"
DAY = 86_400
_seq = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{next(_seq)}{secrets.token_hex(4)}"


class FakeStripe:
    def __init__(self) -> None:
        self.objects: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Request-Id", new_id("req"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                url = urlsplit(self.path)
                params = dict(parse_qsl(url.query, keep_blank_values=True))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    params.update(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                with fake.lock:
                    fake.requests.append((method, url.path, params))
                    status, body = fake.route(method, url.path, params)
                self._answer(status, body)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_DELETE(self):
                self._handle("DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def calls(self, method: str, path: str) -> list[dict]:
        return [params for m, p, params in self.requests if m == method and p == path]

    # --- The API.

    def route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")[1:]  # without "v1"
        if method == "POST" and parts == ["checkout", "sessions"]:
            return 200, self.checkout_session_from(params)
        if method == "POST" and parts == ["billing_portal", "sessions"]:
            session = {
                "id": new_id("bps"),
                "object": "billing_portal.session",
                "customer": params["customer"],
                "return_url": params.get("return_url"),
                "url": f"https://billing.stripe.com/p/session/{new_id('test')}",
                "created": int(time.time()),
                "livemode": False,
            }
            return 200, session
        if parts[:1] == ["subscriptions"] and len(parts) == 2:
            found = self.objects.get(parts[1])
            if found is None:
                return 404, _missing("subscription", parts[1])
            if method == "DELETE":
                found.update(status="canceled", ended_at=int(time.time()), canceled_at=int(time.time()))
                found["cancellation_details"]["reason"] = "cancellation_requested"
            return 200, found
        if method == "GET" and parts == ["invoice_payments"]:
            data = [
                o
                for o in self.objects.values()
                if o["object"] == "invoice_payment" and o["invoice"] == params.get("invoice")
            ]
            return 200, _list(data, "/v1/invoice_payments")
        if method == "GET" and parts == ["prices"]:
            wanted = {v for k, v in params.items() if k.startswith("lookup_keys")}
            data = [
                o for o in self.objects.values() if o["object"] == "price" and o.get("lookup_key") in wanted
            ]
            return 200, _list(data, "/v1/prices")
        if method == "POST" and parts == ["prices"]:
            price = {
                "id": new_id("price"),
                "object": "price",
                "active": True,
                "currency": params["currency"],
                "unit_amount": int(params["unit_amount"]),
                "recurring": {"interval": params["recurring[interval]"], "interval_count": 1},
                "lookup_key": params.get("lookup_key"),
                "product": new_id("prod"),
                "type": "recurring",
                "livemode": False,
            }
            self.objects[price["id"]] = price
            return 200, price
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "message": f"Unrecognized request URL ({method}: {path}).",
            }
        }

    def checkout_session_from(self, params: dict) -> dict:
        metadata = {k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")}
        amount = params.get("line_items[0][price_data][unit_amount]")
        session = self.checkout_session(
            mode=params["mode"],
            amount_total=int(amount) if amount else None,
            currency=params.get("line_items[0][price_data][currency]"),
            metadata=metadata,
            customer=params.get("customer"),
            customer_email=params.get("customer_email"),
            client_reference_id=params.get("client_reference_id"),
            status="open",
            payment_status="unpaid",
        )
        session.update(success_url=params["success_url"], cancel_url=params["cancel_url"])
        session["url"] = f"https://checkout.stripe.com/c/pay/{session['id']}"
        return session

    # --- Builders: Stripe's objects, stored so the API answers with their current state.

    def save(self, obj: dict) -> dict:
        self.objects[obj["id"]] = obj
        return obj

    def checkout_session(self, **fields) -> dict:
        session = {
            "id": new_id("cs"),
            "object": "checkout.session",
            "mode": "payment",
            "status": "complete",
            "payment_status": "paid",
            "amount_total": 1000,
            "currency": "gbp",
            "customer": None,
            "customer_email": None,
            "customer_details": None,
            "client_reference_id": None,
            "metadata": {},
            "payment_intent": None,
            "subscription": None,
            "invoice": None,
            "created": int(time.time()),
            "livemode": False,
            "url": None,
        }
        session.update(fields)
        return self.save(session)

    def subscription(
        self,
        *,
        status: str = "active",
        interval: str = "month",
        amount: int = 500,
        currency: str = "gbp",
        metadata: dict | None = None,
        customer: str | None = None,
        period_end: int | None = None,
        cancel_at_period_end: bool = False,
        reason: str | None = None,
        sub_id: str | None = None,
    ) -> dict:
        now = int(time.time())
        end = period_end or now + (30 if interval == "month" else 365) * DAY
        subscription = {
            "id": sub_id or new_id("sub"),
            "object": "subscription",
            "status": status,
            "customer": customer or new_id("cus"),
            "currency": currency,
            "metadata": metadata or {},
            "cancel_at_period_end": cancel_at_period_end,
            "cancel_at": end if cancel_at_period_end else None,
            "canceled_at": now if cancel_at_period_end or status == "canceled" else None,
            "ended_at": now if status == "canceled" else None,
            "cancellation_details": {"comment": None, "feedback": None, "reason": reason},
            "created": now,
            "start_date": now,
            "latest_invoice": None,
            "livemode": False,
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": new_id("si"),
                        "object": "subscription_item",
                        "current_period_start": end - (30 if interval == "month" else 365) * DAY,
                        "current_period_end": end,
                        "quantity": 1,
                        "price": {
                            "id": new_id("price"),
                            "object": "price",
                            "currency": currency,
                            "unit_amount": amount,
                            "recurring": {"interval": interval, "interval_count": 1},
                            "type": "recurring",
                        },
                    }
                ],
                "has_more": False,
                "url": "/v1/subscription_items",
            },
        }
        return self.save(subscription)

    def set_subscription(self, sub_id: str, **changes) -> dict:
        subscription = self.objects[sub_id]
        reason = changes.pop("reason", None)
        period_end = changes.pop("period_end", None)
        subscription.update(changes)
        if reason:
            subscription["cancellation_details"]["reason"] = reason
        if period_end:
            subscription["items"]["data"][0]["current_period_end"] = period_end
        return subscription

    def invoice(
        self, subscription: dict, *, paid: bool = True, amount: int | None = None, email: str = ""
    ) -> dict:
        amount = amount if amount is not None else subscription["items"]["data"][0]["price"]["unit_amount"]
        now = int(time.time())
        invoice = self.save(
            {
                "id": new_id("in"),
                "object": "invoice",
                "status": "paid" if paid else "open",
                "amount_due": amount,
                "amount_paid": amount if paid else 0,
                "amount_remaining": 0 if paid else amount,
                "currency": subscription["currency"],
                "customer": subscription["customer"],
                "customer_email": email or None,
                "billing_reason": "subscription_cycle",
                "created": now,
                "parent": {
                    "type": "subscription_details",
                    "quote_details": None,
                    "subscription_details": {
                        "subscription": subscription["id"],
                        "metadata": dict(subscription["metadata"]),
                    },
                },
                "status_transitions": {"finalized_at": now, "paid_at": now if paid else None},
                "livemode": False,
            }
        )
        if paid:
            intent = new_id("pi")
            self.save(
                {
                    "id": new_id("inpay"),
                    "object": "invoice_payment",
                    "invoice": invoice["id"],
                    "amount_paid": amount,
                    "amount_requested": amount,
                    "currency": subscription["currency"],
                    "is_default": True,
                    "payment": {"type": "payment_intent", "payment_intent": intent},
                    "status": "paid",
                    "created": now,
                    "livemode": False,
                }
            )
            invoice["_payment_intent"] = intent  # for tests only; never read by the code
        return invoice

    def charge(self, *, payment_intent: str, amount: int, refunded: int = 0, currency: str = "gbp") -> dict:
        return self.save(
            {
                "id": new_id("ch"),
                "object": "charge",
                "amount": amount,
                "amount_captured": amount,
                "amount_refunded": refunded,
                "refunded": refunded >= amount,
                "currency": currency,
                "payment_intent": payment_intent,
                "status": "succeeded",
                "created": int(time.time()),
                "livemode": False,
                "metadata": {},
            }
        )


def _list(data: list, url: str) -> dict:
    return {"object": "list", "data": data, "has_more": False, "url": url}


def _missing(kind: str, object_id: str) -> dict:
    return {
        "error": {
            "type": "invalid_request_error",
            "code": "resource_missing",
            "message": f"No such {kind}: '{object_id}'",
        }
    }


def event(event_type: str, obj: dict, *, event_id: str | None = None, created: int | None = None) -> dict:
    return {
        "id": event_id or new_id("evt"),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": created or int(time.time()),
        "type": event_type,
        "data": {"object": json.loads(json.dumps(obj))},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
    }


def signed_delivery(
    client, payload: dict | str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None, signature=None
):
    """POST an event to /webhooks/stripe as Stripe does: the raw JSON body, and a
    ``Stripe-Signature: t=…,v1=…`` header made by the SDK's signing helper."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    header = signature or stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return client.post(
        "/webhooks/stripe", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
