//! The few small text files the game keeps — a playthrough's log, the pointer to an unfinished one, the
//! settings — on disk, written so a crash never leaves half a file; in the web build, in the browser's
//! local storage under the same names, since a page has no folder.

use std::io;
use std::path::Path;

/// The text of a kept file.
pub fn read(path: &Path) -> io::Result<String> {
    #[cfg(target_arch = "wasm32")]
    return web::get(path)?
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "not kept in this browser"));
    #[cfg(not(target_arch = "wasm32"))]
    std::fs::read_to_string(path)
}

/// Keeps `text` as `path`, all or nothing: on disk a temporary file beside it, then renamed over it.
pub fn write(path: &Path, text: &str) -> io::Result<()> {
    #[cfg(target_arch = "wasm32")]
    return web::set(path, text);
    #[cfg(not(target_arch = "wasm32"))]
    {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!("{name}.tmp"));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

/// Removes a kept file; one that is not there is no error.
pub fn remove(path: &Path) -> io::Result<()> {
    #[cfg(target_arch = "wasm32")]
    return web::remove(path);
    #[cfg(not(target_arch = "wasm32"))]
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Whether a file is kept at `path`.
pub fn exists(path: &Path) -> bool {
    #[cfg(target_arch = "wasm32")]
    return matches!(web::get(path), Ok(Some(_)));
    #[cfg(not(target_arch = "wasm32"))]
    path.exists()
}

/// Offers `text` (of the MIME type `kind`) to the person as a file to download: the web build's way
/// to save a copy or a printable report.
#[cfg(target_arch = "wasm32")]
pub fn offer_download(name: &str, kind: &str, text: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let fail = |what: &str| format!("the browser would not {what}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| fail("make the file"))?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("make the file"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("give the page"))?;
    let link = document
        .create_element("a")
        .map_err(|_| fail("make a link"))?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| fail("make a link"))?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The desktop saves copies with `second-look export`.
#[cfg(not(target_arch = "wasm32"))]
pub fn offer_download(_name: &str, _kind: &str, _text: &str) -> Result<(), String> {
    Err("on the desktop, save a copy with `second-look export --out FILE.json`".into())
}

/// A file the person picked to open: its name and text, or why it could not be read.
pub type Picked = Result<(String, String), String>;

/// Files larger than this are refused unread: no saved record comes near it.
pub const LARGEST_PICKED: f64 = 64.0 * 1024.0 * 1024.0;

/// Asks the browser to let the person pick a file (`accept` as in `<input accept>`); its text
/// arrives later through `take_picked`, and `wake` is called then so a sleeping game redraws.
#[cfg(target_arch = "wasm32")]
pub fn pick_file(accept: &str, wake: Box<dyn Fn()>) -> Result<(), String> {
    web::pick_file(accept, wake)
}

/// The desktop adds copies with `second-look import`.
#[cfg(not(target_arch = "wasm32"))]
pub fn pick_file(_accept: &str, _wake: Box<dyn Fn()>) -> Result<(), String> {
    Err("on the desktop, add a copy with `second-look import FILE`".into())
}

/// The file the person picked, once the browser has read it (each picked file is taken once).
pub fn take_picked() -> Option<Picked> {
    #[cfg(target_arch = "wasm32")]
    return web::PICKED.with(|p| p.borrow_mut().take());
    #[cfg(not(target_arch = "wasm32"))]
    None
}

#[cfg(target_arch = "wasm32")]
mod web {
    use std::cell::RefCell;
    use std::io;
    use std::path::Path;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use super::{LARGEST_PICKED, Picked};

    thread_local! {
        /// The last file picked, once read.
        pub static PICKED: RefCell<Option<Picked>> = const { RefCell::new(None) };
        /// Called when a picked file has been read, so a sleeping game redraws.
        static WAKE: RefCell<Box<dyn Fn()>> = RefCell::new(Box::new(|| {}));
    }

    /// The id of the page's one (hidden) file input.
    const PICKER: &str = "second-look-pick";

    fn deliver(picked: Picked) {
        PICKED.with(|p| *p.borrow_mut() = Some(picked));
        WAKE.with(|wake| (wake.borrow())());
    }

    /// The page's hidden `<input type=file>`, made on first use. Its change handler has the browser
    /// read the chosen file's text, then delivers it.
    fn picker() -> Result<web_sys::HtmlInputElement, String> {
        let fail = |what: &str| format!("the browser would not {what}");
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| fail("give the page"))?;
        if let Some(found) = document.get_element_by_id(PICKER) {
            return found.dyn_into().map_err(|_| fail("open a file"));
        }
        let input: web_sys::HtmlInputElement = document
            .create_element("input")
            .map_err(|_| fail("open a file"))?
            .dyn_into()
            .map_err(|_| fail("open a file"))?;
        input.set_type("file");
        input.set_id(PICKER);
        let _ = input.set_attribute("style", "display: none");
        let _ = input.set_attribute("aria-hidden", "true");
        let on_change = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
            let Some(file) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0))
            else {
                return;
            };
            let name = file.name();
            if file.size() > LARGEST_PICKED {
                return deliver(Err(format!("{name} is too large to be a saved record")));
            }
            let on_text = Closure::once(move |text: wasm_bindgen::JsValue| {
                deliver(Ok((name, text.as_string().unwrap_or_default())));
            });
            let on_fail = Closure::once(|_: wasm_bindgen::JsValue| {
                deliver(Err("the browser could not read the file".to_string()));
            });
            let _ = file.text().then2(&on_text, &on_fail);
            on_text.forget();
            on_fail.forget();
        });
        input.set_onchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
        document
            .body()
            .ok_or_else(|| fail("give the page"))?
            .append_child(&input)
            .map_err(|_| fail("open a file"))?;
        Ok(input)
    }

    pub fn pick_file(accept: &str, wake: Box<dyn Fn()>) -> Result<(), String> {
        WAKE.with(|w| *w.borrow_mut() = wake);
        let input = picker()?;
        input.set_accept(accept);
        // Cleared, so picking the same file again still counts as a change.
        input.set_value("");
        input.click();
        Ok(())
    }

    fn storage() -> io::Result<web_sys::Storage> {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .ok_or_else(|| io::Error::other("this browser keeps no storage for this page"))
    }

    fn key(path: &Path) -> String {
        format!("second-look-file:{}", path.display())
    }

    pub fn get(path: &Path) -> io::Result<Option<String>> {
        storage()?
            .get_item(&key(path))
            .map_err(|_| io::Error::other("the browser's storage refused to read"))
    }

    pub fn set(path: &Path, text: &str) -> io::Result<()> {
        storage()?
            .set_item(&key(path), text)
            .map_err(|_| io::Error::other("the browser's storage is full or refused"))
    }

    pub fn remove(path: &Path) -> io::Result<()> {
        storage()?
            .remove_item(&key(path))
            .map_err(|_| io::Error::other("the browser's storage refused to remove"))
    }
}
