//! The old entry points of the automations' task actions (`api/automations/task_actions.rs`,
//! another area's file): each runs the domain operation in its own IMMEDIATE transaction on the
//! caller's connection, which carries the automation's event-origin trigger. Delete this module
//! once task_actions calls `domain::tasks::{create_in, move_in, edit::assign_in,
//! activity::comment_in}` inside its own `Db::write`.
use crate::access::Viewer;
use crate::domain::tasks;
use crate::error::ApiResult;
use rusqlite::{Connection, TransactionBehavior};

fn in_tx<T>(c: &mut Connection, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

pub mod store {
    use super::*;
    use crate::domain::tasks::types::{CreateTask, MoveTask, Task};

    pub fn create_task(c: &mut Connection, v: &Viewer, dto: CreateTask) -> ApiResult<Task> {
        in_tx(c, |c| tasks::create_in(c, v, dto))
    }

    pub fn move_task(c: &mut Connection, v: &Viewer, id: &str, m: MoveTask) -> ApiResult<Task> {
        in_tx(c, |c| tasks::move_in(c, v, id, m))
    }
}

pub mod edit {
    use super::*;
    use crate::domain::tasks::types::Task;

    pub fn assign_task(
        c: &mut Connection,
        v: &Viewer,
        id: &str,
        assignee: Option<String>,
    ) -> ApiResult<Task> {
        in_tx(c, |c| tasks::edit::assign_in(c, v, id, assignee))
    }
}

pub mod activity {
    use super::*;
    use crate::domain::tasks::types::Comment;

    pub fn add_comment(
        c: &mut Connection,
        v: &Viewer,
        task_id: &str,
        content: &str,
    ) -> ApiResult<Comment> {
        in_tx(c, |c| tasks::activity::comment_in(c, v, task_id, content))
    }
}
