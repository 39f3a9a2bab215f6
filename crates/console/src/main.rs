//! Entry point: mounts [`wharf_console::App`] on the page body.

fn main() {
    yew::Renderer::<wharf_console::App>::new().render();
}
