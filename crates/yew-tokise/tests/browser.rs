//! The executor in a browser: when a spawned future first runs, that a
//! woken one runs again, and that two wakes make one poll.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use tokise::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A promise, and the function that resolves it with a value.
fn promise() -> (js_sys::Promise, js_sys::Function) {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |r, _| resolve = Some(r));
    (
        promise,
        resolve.expect("the executor function runs at once"),
    )
}

/// Pending until `open` is called, counting its polls.
#[derive(Clone, Default)]
struct Gate {
    open: Rc<Cell<bool>>,
    polls: Rc<Cell<u32>>,
    waker: Rc<RefCell<Option<Waker>>>,
}

impl Gate {
    fn open(&self) {
        self.open.set(true);
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }
}

impl Future for Gate {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.set(self.polls.get() + 1);
        if self.open.get() {
            return Poll::Ready(());
        }
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[wasm_bindgen_test]
async fn a_spawned_future_runs_in_a_microtask_not_at_once() {
    let ran = Rc::new(Cell::new(false));
    let (done, resolve) = promise();
    let flag = ran.clone();
    spawn_local(async move {
        flag.set(true);
        resolve.call0(&JsValue::NULL).unwrap();
    });
    assert!(!ran.get(), "spawn_local must not poll inside the caller");
    JsFuture::from(done).await.unwrap();
    assert!(ran.get());
}

/// Spawns a task that waits for `gate`; the promise resolves when it is done.
fn spawn_behind(gate: &Gate) -> JsFuture {
    let (done, resolve) = promise();
    let waiting = gate.clone();
    spawn_local(async move {
        waiting.await;
        resolve.call0(&JsValue::NULL).unwrap();
    });
    JsFuture::from(done)
}

/// Lets the microtasks queued so far (the executor's among them) run.
async fn let_microtasks_run() {
    JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL))
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_woken_future_is_polled_again_and_finishes() {
    let gate = Gate::default();
    let done = spawn_behind(&gate);
    // Let the first poll happen: the gate is shut, so it waits.
    let_microtasks_run().await;
    assert_eq!(gate.polls.get(), 1);
    gate.open();
    done.await.unwrap();
    assert_eq!(gate.polls.get(), 2);
}

#[wasm_bindgen_test]
async fn two_wakes_before_the_poll_make_one_poll() {
    let gate = Gate::default();
    let done = spawn_behind(&gate);
    let_microtasks_run().await;
    let waker = gate
        .waker
        .borrow()
        .clone()
        .expect("the first poll left a waker");
    // Still shut: each poll would leave it pending, so each one counts.
    waker.wake_by_ref();
    waker.wake_by_ref();
    let_microtasks_run().await;
    assert_eq!(gate.polls.get(), 2, "the second wake found it queued");
    gate.open();
    done.await.unwrap();
    assert_eq!(gate.polls.get(), 3);
}
