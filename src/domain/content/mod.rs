//! The content studio: contents generated and refined per platform (every version kept, with
//! what each drew on), templates, feedback. Platform rules live in `platforms`.
pub mod platforms;
