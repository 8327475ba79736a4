<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Add Folder…</source>
        <translation>添加文件夹(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Rescan Library</source>
        <translation>重新扫描图库(&amp;R)</translation>
    </message>
    <message>
        <source>S&amp;kipped Files…</source>
        <translation>跳过的文件(&amp;K)…</translation>
    </message>
    <message>
        <source>&amp;Forget Missing Photos…</source>
        <translation>忘记缺失的照片(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Search…</source>
        <translation>搜索(&amp;S)…</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Sort By</source>
        <translation>排序方式(&amp;S)</translation>
    </message>
    <message>
        <source>Best Match</source>
        <translation>最佳匹配</translation>
    </message>
    <message>
        <source>Newest</source>
        <translation>最新</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>&amp;Larger Thumbnails</source>
        <translation>放大缩略图(&amp;L)</translation>
    </message>
    <message>
        <source>S&amp;maller Thumbnails</source>
        <translation>缩小缩略图(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Tags Panel</source>
        <translation>标签面板(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About PhotoSift</source>
        <translation>关于 PhotoSift(&amp;A)</translation>
    </message>
    <message>
        <source>Add to Album</source>
        <translation>添加到相册</translation>
    </message>
    <message>
        <source>New Album…</source>
        <translation>新建相册…</translation>
    </message>
    <message>
        <source>Remove from “{name}”</source>
        <translation>从“{name}”中移除</translation>
    </message>
    <message>
        <source>Move in “{name}”</source>
        <translation>在“{name}”中移动</translation>
    </message>
    <message>
        <source>To the Start</source>
        <translation>移到开头</translation>
    </message>
    <message>
        <source>Earlier</source>
        <translation>前移一位</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>后移一位</translation>
    </message>
    <message>
        <source>To the End</source>
        <translation>移到末尾</translation>
    </message>
    <message>
        <source>Export to Folder…</source>
        <translation>导出到文件夹…</translation>
    </message>
    <message>
        <source>Link into Folder…</source>
        <translation>链接到文件夹…</translation>
    </message>
    <message>
        <source>Save List as CSV/JSON…</source>
        <translation>将列表保存为 CSV/JSON…</translation>
    </message>
</context>
<context>
    <name>AlbumsPanel</name>
    <message>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>🔍 {name}</source>
        <translation>🔍 {name}</translation>
    </message>
    <message>
        <source>Saved search: {query}</source>
        <translation>智能相册：{query}</translation>
    </message>
    <message>
        <source>{name} ({n})</source>
        <translation>{name}（{n}）</translation>
    </message>
    <message>
        <source>New Album</source>
        <translation>新建相册</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
</context>
<context>
    <name>DuplicatesDialog</name>
    <message>
        <source>Duplicates</source>
        <translation>重复照片</translation>
    </message>
    <message>
        <source>How alike two photos&apos; contents must be; higher is stricter</source>
        <translation>两张照片内容需要多相似；越高越严格</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Looking for duplicates…</source>
        <translation>正在查找重复照片…</translation>
    </message>
    <message>
        <source>Similarity:</source>
        <translation>相似度：</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>分辨率</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Suggestion</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Mark Suggested</source>
        <translation>标记建议项</translation>
    </message>
    <message>
        <source>Move Marked to Trash…</source>
        <translation>将标记的照片移到回收站…</translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message>
        <source>Move these {n} files to the trash?</source>
        <translation>将这 {n} 个文件移到回收站？</translation>
    </message>
    <message>
        <source>The photos you kept are not touched.</source>
        <translation>保留的照片不会被改动。</translation>
    </message>
    <message>
        <source>Moving {n} files to the trash…</source>
        <translation>正在将 {n} 个文件移到回收站…</translation>
    </message>
    <message>
        <source>{groups} groups, {photos} photos ({compared} compared).</source>
        <translation>{groups} 组，{photos} 张照片（比较了 {compared} 张）。</translation>
    </message>
    <message>
        <source>No duplicates found among {n} photos.</source>
        <translation>在 {n} 张照片中没有发现重复照片。</translation>
    </message>
    <message>
        <source>exact copies</source>
        <translation>完全相同的副本</translation>
    </message>
    <message>
        <source>near-duplicates</source>
        <translation>近似重复</translation>
    </message>
    <message>
        <source>Group {n}: {kind}, {count} photos, similarity {sim:.3f}</source>
        <translation>第 {n} 组：{kind}，{count} 张照片，相似度 {sim:.3f}</translation>
    </message>
    <message>
        <source>Keep: the most pixels</source>
        <translation>保留：像素最多的</translation>
    </message>
    <message>
        <source>Keep: same size, biggest file (the original)</source>
        <translation>保留：尺寸相同，文件最大（原件）</translation>
    </message>
    <message>
        <source>Keep: the oldest</source>
        <translation>保留：最早的</translation>
    </message>
    <message>
        <source>Moved {n} files to the trash.</source>
        <translation>已将 {n} 个文件移到回收站。</translation>
    </message>
    <message>
        <source>{n} could not be moved.</source>
        <translation>{n} 个文件无法移动。</translation>
    </message>
    <message>
        <source>Keep at least one photo of each group.</source>
        <translation>每组至少保留一张照片。</translation>
    </message>
</context>
<context>
    <name>GridController</name>
    <message>
        <source>This search cannot run</source>
        <translation>无法执行此搜索</translation>
    </message>
    <message>
        <source>Loading the search model…</source>
        <translation>正在加载搜索模型…</translation>
    </message>
    <message>
        <source>Your search runs as soon as it is ready.</source>
        <translation>模型就绪后会立即执行搜索。</translation>
    </message>
    <message>
        <source>Search is not available</source>
        <translation>搜索不可用</translation>
    </message>
    <message>
        <source>Choose Model…</source>
        <translation>选择模型…</translation>
    </message>
    <message>
        <source>This library was indexed with another model</source>
        <translation>此图库是用另一个模型建立索引的</translation>
    </message>
    <message>
        <source>Index Library With This Model</source>
        <translation>用此模型为图库重建索引</translation>
    </message>
    <message>
        <source>No photos yet</source>
        <translation>还没有照片</translation>
    </message>
    <message>
        <source>Add a folder of photos to get started, or drop one on this window.</source>
        <translation>添加一个照片文件夹即可开始，也可以把文件夹拖到此窗口。</translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>No photos match “{text}”</source>
        <translation>没有与“{text}”匹配的照片</translation>
    </message>
    <message>
        <source>No similar photos found</source>
        <translation>没有找到相似照片</translation>
    </message>
    <message>
        <source>Try other words, or a looser match.</source>
        <translation>换个说法试试，或放宽匹配程度。</translation>
    </message>
    <message>
        <source>Indexing…</source>
        <translation>正在建立索引…</translation>
    </message>
    <message>
        <source>Photos appear here as they are indexed.</source>
        <translation>照片建立索引后会陆续显示在这里。</translation>
    </message>
    <message>
        <source>No photos match these filters</source>
        <translation>没有符合这些筛选条件的照片</translation>
    </message>
    <message>
        <source>No photos here yet</source>
        <translation>这里还没有照片</translation>
    </message>
    <message>
        <source>Rescan to look for new photos.</source>
        <translation>重新扫描以查找新照片。</translation>
    </message>
</context>
<context>
    <name>IndexStatus</name>
    <message>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分钟</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop indexing; what is done is kept and the rest resumes later</source>
        <translation>停止建立索引；已完成的部分会保留，其余的以后继续</translation>
    </message>
    <message>
        <source>Looking for photos…</source>
        <translation>正在查找照片…</translation>
    </message>
    <message>
        <source>Paused at {done} of {total}</source>
        <translation>已暂停：{done} / {total}</translation>
    </message>
    <message>
        <source>Looking for photos… {done} found</source>
        <translation>正在查找照片… 已找到 {done} 张</translation>
    </message>
    <message>
        <source>Reading text in photos: {done} of {total}</source>
        <translation>正在识别照片中的文字：{done} / {total}</translation>
    </message>
    <message>
        <source>Nothing new to index</source>
        <translation>没有需要建立索引的新照片</translation>
    </message>
    <message>
        <source>Adding photos: {done} of {total}</source>
        <translation>正在添加照片：{done} / {total}</translation>
    </message>
    <message>
        <source>Analysing for search: {done} of {total}</source>
        <translation>正在分析以供搜索：{done} / {total}</translation>
    </message>
    <message>
        <source>{rate} photos/s</source>
        <translation>每秒 {rate} 张</translation>
    </message>
    <message>
        <source>{time} left</source>
        <translation>剩余 {time}</translation>
    </message>
    <message>
        <source>Stopping after the current batch…</source>
        <translation>当前这一批完成后停止…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>LabelDialog</name>
    <message>
        <source>Edit Label</source>
        <translation>编辑标签</translation>
    </message>
    <message>
        <source>Add Label</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <source>custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Use the default (%1)</source>
        <translation>使用默认值（%1）</translation>
    </message>
    <message>
        <source>How far above the usual score a photo must be to get this label. Raise it if the label is given too freely, lower it if photos that show it are missed.</source>
        <translation>照片的得分须比一般水平高出多少才会获得此标签。若此标签给得太随意就调高；若有符合的照片被漏掉就调低。</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Group:</source>
        <translation>分组：</translation>
    </message>
    <message>
        <source>Threshold:</source>
        <translation>阈值：</translation>
    </message>
    <message>
        <source>Prompts (one per line):</source>
        <translation>提示词（每行一个）：</translation>
    </message>
    <message>
        <source>Empty: the default prompts, e.g.</source>
        <translation>留空则使用默认提示词，例如</translation>
    </message>
    <message>
        <source>label</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>LibraryPanel</name>
    <message>
        <source>Library</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>All photos</source>
        <translation>全部照片</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Add a photo folder</source>
        <translation>添加照片文件夹</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Forget this folder (the photos are not touched)</source>
        <translation>从图库中移除此文件夹（不会改动照片本身）</translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>Look for new, changed and removed photos</source>
        <translation>查找新增、修改和删除的照片</translation>
    </message>
    <message>
        <source>Files that could not be indexed, and why</source>
        <translation>无法建立索引的文件及原因</translation>
    </message>
    <message>
        <source>Offline: the folder cannot be found</source>
        <translation>离线：找不到此文件夹</translation>
    </message>
    <message>
        <source>Looking for photos…</source>
        <translation>正在查找照片…</translation>
    </message>
    <message>
        <source>{n} waiting for analysis</source>
        <translation>{n} 张等待分析</translation>
    </message>
    <message>
        <source>Ready for search</source>
        <translation>可供搜索</translation>
    </message>
    <message>
        <source>1 folder</source>
        <translation>1 个文件夹</translation>
    </message>
    <message>
        <source>{n} skipped</source>
        <translation>已跳过 {n} 个</translation>
    </message>
    <message>
        <source>No folders yet. Add one, or drop a folder on the window.</source>
        <translation>还没有文件夹。请添加一个，或把文件夹拖到窗口中。</translation>
    </message>
    <message>
        <source>{n} folders</source>
        <translation>{n} 个文件夹</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Thumbnail size (Ctrl+Plus, Ctrl+Minus)</source>
        <extracomment>Thumbnail sizes (longest side, pixels) the zoom steps through. Closing the window waits at most this long for the lanes; the process exits regardless. How often folder counts and &quot;N of M ready for search&quot; follow a run in progress.</extracomment>
        <translation>缩略图大小（Ctrl+加号、Ctrl+减号）</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Indexing stopped</source>
        <translation>已停止建立索引</translation>
    </message>
    <message>
        <source>Library not available</source>
        <translation>图库不可用</translation>
    </message>
    <message>
        <source>Add a photo folder</source>
        <translation>添加照片文件夹</translation>
    </message>
    <message>
        <source>Remove folder</source>
        <translation>移除文件夹</translation>
    </message>
    <message>
        <source>Remove this folder from the library? Its photos stay on disk; only PhotoSift forgets them.</source>
        <translation>要从图库中移除此文件夹吗？照片仍保留在磁盘上，只是 PhotoSift 不再记录它们。</translation>
    </message>
    <message>
        <source>No missing photos: nothing to forget.</source>
        <translation>没有缺失的照片：无需忘记。</translation>
    </message>
    <message>
        <source>Forget missing photos</source>
        <translation>忘记缺失的照片</translation>
    </message>
    <message>
        <source>Forget {total} photos whose files are not there: {removed} deleted or moved away, {offline} in folders or drives that are unavailable now? Their tags and album places are forgotten with them, and they come back only as new photos. No file is touched.</source>
        <translation>要忘记 {total} 张文件不在原处的照片吗？其中 {removed} 张已删除或移走，{offline} 张所在的文件夹或磁盘目前不可用。它们的标签和在相册中的位置也会一并忘记，之后只会作为新照片重新出现。不会改动任何文件。</translation>
    </message>
    <message>
        <source>Forgot {n} missing photos.</source>
        <translation>已忘记 {n} 张缺失的照片。</translation>
    </message>
    <message>
        <source>Added {names}; photos appear now, analysis for search starts when the model is loaded.</source>
        <translation>已添加 {names}；照片现在即可浏览，模型加载后开始分析以供搜索。</translation>
    </message>
    <message>
        <source>Searching with {old} while {new} is being prepared: {ready}/{total}</source>
        <translation>正在用 {old} 搜索，{new} 准备中：{ready} / {total}</translation>
    </message>
    <message>
        <source>Searched {ready} of {total}; {pending} are still waiting for analysis.</source>
        <translation>已搜索 {total} 张中的 {ready} 张；还有 {pending} 张等待分析。</translation>
    </message>
    <message>
        <source>Stopped; what is done is kept and the rest resumes with the next rescan.</source>
        <translation>已停止；已完成的部分会保留，其余部分在下次重新扫描时继续。</translation>
    </message>
    <message>
        <source>{n} new photos catalogued, {skipped} skipped; analysis for search starts when the model is loaded.</source>
        <translation>已编目 {n} 张新照片，跳过 {skipped} 个；模型加载后开始分析以供搜索。</translation>
    </message>
    <message>
        <source>Indexing finished: {n} photos analysed, {skipped} skipped.</source>
        <translation>索引完成：分析了 {n} 张照片，跳过 {skipped} 个。</translation>
    </message>
    <message>
        <source>{n} photos are offline (their folder or drive is missing): kept with their tags, greyed, and left out of search until it is back.</source>
        <translation>{n} 张照片处于离线状态（其文件夹或硬盘不可用）：保留标签并灰显，在恢复之前不参与搜索。</translation>
    </message>
    <message>
        <source>The library is up to date.</source>
        <translation>图库已是最新。</translation>
    </message>
    <message>
        <source>Searches now use {spec}: every photo is ready.</source>
        <translation>搜索现已改用 {spec}：所有照片均已就绪。</translation>
    </message>
    <message>
        <source>Copied {n} path(s)</source>
        <translation>已复制 {n} 个路径</translation>
    </message>
    <message>
        <source>Restart needed</source>
        <translation>需要重新启动</translation>
    </message>
    <message>
        <source>PhotoSift uses the new library and language the next time it starts.</source>
        <translation>PhotoSift 下次启动时会使用新的图库和语言。</translation>
    </message>
    <message>
        <source>About PhotoSift</source>
        <translation>关于 PhotoSift</translation>
    </message>
    <message>
        <source>&lt;b&gt;PhotoSift {version}&lt;/b&gt;&lt;p&gt;Find photos by what is in them. Everything stays on this computer.&lt;/p&gt;</source>
        <translation>&lt;b&gt;PhotoSift {version}&lt;/b&gt;&lt;p&gt;按照片的内容查找照片。所有数据都保留在这台电脑上。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>ModelLoader</name>
    <message>
        <source>The model could not be loaded: {error}</source>
        <translation>无法加载模型：{error}</translation>
    </message>
</context>
<context>
    <name>ModelPresenter</name>
    <message>
        <source>Copy the model folder?</source>
        <translation>复制模型文件夹？</translation>
    </message>
    <message>
        <source>PhotoSift can copy this model ({size}) into its own folder, {target}, so that your library keeps working if you move or delete {folder}.</source>
        <translation>PhotoSift 可以把这个模型（{size}）复制到自己的文件夹 {target}，这样即使你移动或删除 {folder}，照片库也能继续使用。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Use Where It Is</source>
        <translation>就地使用</translation>
    </message>
    <message>
        <source>Copying the model</source>
        <translation>正在复制模型</translation>
    </message>
    <message>
        <source>Downloading the model</source>
        <translation>正在下载模型</translation>
    </message>
    <message>
        <source>Copying the model folder into PhotoSift…</source>
        <translation>正在把模型文件夹复制到 PhotoSift…</translation>
    </message>
    <message>
        <source>Downloading the search model {spec} (only the first time)…</source>
        <translation>正在下载搜索模型 {spec}（仅首次需要）…</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Model: {spec}</source>
        <translation>模型：{spec}</translation>
    </message>
    <message>
        <source>The photos were indexed with {old}. Searching with {new} needs them indexed again; the old index stays usable until then.</source>
        <translation>这些照片是用 {old} 建立索引的。要用 {new} 搜索，需要重新建立索引；在此之前旧索引仍可使用。</translation>
    </message>
    <message>
        <source>No search model</source>
        <translation>没有搜索模型</translation>
    </message>
</context>
<context>
    <name>ModelUnavailableDialog</name>
    <message>
        <source>Search model not available</source>
        <translation>搜索模型不可用</translation>
    </message>
    <message>
        <source>&lt;b&gt;PhotoSift cannot load its search model.&lt;/b&gt;</source>
        <translation>&lt;b&gt;PhotoSift 无法加载搜索模型。&lt;/b&gt;</translation>
    </message>
    <message>
        <source>You can keep browsing your photos. To search, choose a folder that holds an open_clip model (open_clip_config.json and open_clip_model.safetensors), or connect to the internet and retry the download.</source>
        <translation>您仍可以浏览照片。若要搜索，请选择一个包含 open_clip 模型的文件夹（open_clip_config.json 和 open_clip_model.safetensors），或连接互联网后重试下载。</translation>
    </message>
    <message>
        <source>Choose Model Folder…</source>
        <translation>选择模型文件夹…</translation>
    </message>
    <message>
        <source>Retry Download</source>
        <translation>重试下载</translation>
    </message>
    <message>
        <source>Browse Without Search</source>
        <translation>不搜索，仅浏览</translation>
    </message>
    <message>
        <source>Choose an open_clip model folder</source>
        <translation>选择 open_clip 模型文件夹</translation>
    </message>
    <message>
        <source>Not a model folder</source>
        <translation>不是模型文件夹</translation>
    </message>
    <message>
        <source>{folder} does not hold an open_clip model. Choose the folder that contains open_clip_config.json and open_clip_model.safetensors.</source>
        <translation>{folder} 中没有 open_clip 模型。请选择包含 open_clip_config.json 和 open_clip_model.safetensors 的文件夹。</translation>
    </message>
</context>
<context>
    <name>OrganizerTools</name>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>Find &amp;Duplicates…</source>
        <translation>查找重复照片(&amp;D)…</translation>
    </message>
    <message>
        <source>Save Search as &amp;Album…</source>
        <translation>将搜索保存为相册(&amp;A)…</translation>
    </message>
    <message>
        <source>Albums</source>
        <translation>相册</translation>
    </message>
    <message>
        <source>Saved the list to {path}.</source>
        <translation>已将列表保存到 {path}。</translation>
    </message>
    <message>
        <source>{name}: {n} photos</source>
        <translation>{name}：{n} 张照片</translation>
    </message>
    <message>
        <source>Type a search first.</source>
        <translation>请先输入搜索内容。</translation>
    </message>
    <message>
        <source>Save Search</source>
        <translation>保存搜索</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>New Album</source>
        <translation>新建相册</translation>
    </message>
    <message>
        <source>Export to folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <source>Exporting photos…</source>
        <translation>正在导出照片…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Exported {n} files.</source>
        <translation>已导出 {n} 个文件。</translation>
    </message>
    <message>
        <source>{n} of them are the RAW files of RAW+JPEG pairs.</source>
        <translation>其中 {n} 个是 RAW+JPEG 组合中的 RAW 文件。</translation>
    </message>
    <message>
        <source>{n} could not be exported.</source>
        <translation>{n} 个文件无法导出。</translation>
    </message>
    <message>
        <source>Save list</source>
        <translation>保存列表</translation>
    </message>
    <message>
        <source>CSV (*.csv);;JSON (*.json)</source>
        <translation>CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Cannot watch {folders} for changes (system limit reached): rescanning every few minutes instead.</source>
        <translation>无法监视 {folders} 的变化（已达到系统上限）：改为每隔几分钟重新扫描一次。</translation>
    </message>
</context>
<context>
    <name>PhotoTagList</name>
    <message>
        <source>No tags yet.</source>
        <translation>还没有标签。</translation>
    </message>
    <message>
        <source>Show all photos tagged “%1”</source>
        <translation>显示所有带“%1”标签的照片</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已否决</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>by hand</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>auto %1</source>
        <translation>自动 %1</translation>
    </message>
    <message>
        <source>Keep this tag: auto-tagging will not change it</source>
        <translation>保留此标签：自动标记不会再改动它</translation>
    </message>
    <message>
        <source>Wrong: remove it and never assign it to this photo again</source>
        <translation>不对：移除此标签，并且不再给这张照片加上它</translation>
    </message>
    <message>
        <source>Remove this tag</source>
        <translation>移除此标签</translation>
    </message>
</context>
<context>
    <name>PhotoTagsView</name>
    <message>
        <source>Add a tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>How well each label fits:</source>
        <translation>各标签的匹配程度：</translation>
    </message>
    <message>
        <source>Tags:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <source>No photo selected.</source>
        <translation>未选择照片。</translation>
    </message>
    <message>
        <source>Select a photo to see how well each label fits it.</source>
        <translation>选择一张照片，查看各标签与它的匹配程度。</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <source>Camera:</source>
        <translation>相机：</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Path:</source>
        <translation>路径：</translation>
    </message>
    <message>
        <source>Tags:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <source>Text:</source>
        <translation>文字：</translation>
    </message>
    <message>
        <source>Reveal in File Manager</source>
        <translation>在文件管理器中显示</translation>
    </message>
    <message>
        <source>Open with Default App</source>
        <translation>用默认应用打开</translation>
    </message>
    <message>
        <source>Copy Path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>More Like This</source>
        <translation>相似照片</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一张</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一张 ▶</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>第 %1 张，共 %2 张</translation>
    </message>
    <message>
        <source>This photo is no longer in the library.</source>
        <translation>这张照片已不在图库中。</translation>
    </message>
    <message>
        <source>The folder holding this photo is offline. Connect its drive to view it.</source>
        <translation>存放这张照片的文件夹处于离线状态。请连接相应的磁盘后再查看。</translation>
    </message>
    <message>
        <source>This photo cannot be shown: %1.</source>
        <translation>无法显示这张照片：%1。</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>RAW+%2 (%1)</source>
        <translation>RAW+%2（%1）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>QueryChip</name>
    <message>
        <source>Stop searching by this photo</source>
        <translation>不再按这张照片搜索</translation>
    </message>
    <message>
        <source>Similar to {name}</source>
        <translation>与 {name} 相似</translation>
    </message>
    <message>
        <source>this photo</source>
        <translation>这张照片</translation>
    </message>
</context>
<context>
    <name>Remedies</name>
    <message>
        <source>Add a folder with File › Add Folder… to index its photos.</source>
        <translation>请用“文件 › 添加文件夹…”添加一个文件夹，为其中的照片建立索引。</translation>
    </message>
    <message>
        <source>Index the photos again with this model, or choose the library&apos;s model in Settings.</source>
        <translation>请用此模型重新为照片建立索引，或在“设置”中选择照片库所用的模型。</translation>
    </message>
    <message>
        <source>Choose one in Settings.</source>
        <translation>请在“设置”中选择一个。</translation>
    </message>
    <message>
        <source>Index the photos again to use it.</source>
        <translation>重新为照片建立索引后即可使用。</translation>
    </message>
    <message>
        <source>Add it with File › Add Folder….</source>
        <translation>请用“文件 › 添加文件夹…”添加它。</translation>
    </message>
    <message>
        <source>Move the file aside, or start PhotoSift with another library file.</source>
        <translation>请把该文件移到别处，或用另一个照片库文件启动 PhotoSift。</translation>
    </message>
    <message>
        <source>Edit the labels in the Tags panel.</source>
        <translation>请在“标签”面板中编辑标签。</translation>
    </message>
    <message>
        <source>Settings lists the recommended models.</source>
        <translation>“设置”中列出了推荐的模型。</translation>
    </message>
    <message>
        <source>Choose “Use a model folder…” to pick one.</source>
        <translation>请选择“使用模型文件夹…”来指定一个。</translation>
    </message>
    <message>
        <source>Free some space on it, then index again: it continues where it stopped.</source>
        <translation>请在该磁盘上腾出一些空间，然后重新建立索引：会从中断处继续。</translation>
    </message>
    <message>
        <source>Quit PhotoSift and keep a copy of the file, then restore a backup (a .bak file beside it, if there is one) or rescue what is readable with sqlite3&apos;s .recover command, and start PhotoSift with the recovered file.</source>
        <translation>请退出 PhotoSift 并保留该文件的副本，然后恢复备份（如果旁边有 .bak 文件），或用 sqlite3 的 .recover 命令抢救可读取的内容，再用恢复后的文件启动 PhotoSift。</translation>
    </message>
    <message>
        <source>To index or tag, make the file and its folder writable, or start PhotoSift with another library file.</source>
        <translation>如需建立索引或添加标签，请让该文件及其所在文件夹可写，或用另一个照片库文件启动 PhotoSift。</translation>
    </message>
    <message>
        <source>Turn on “Read the text in photos while indexing” and index more photos (a folder with receipts, screenshots or signs helps), then calibrate again.</source>
        <translation>请打开“建立索引时识别照片中的文字”，并为更多照片建立索引（收据、截图或招牌较多的文件夹更有帮助），然后再次校准。</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <source>{path}
Offline: its folder or drive is missing. The photo and its tags are kept until it is back.</source>
        <translation>{path}
离线：其文件夹或硬盘不可用。照片及其标签会一直保留，直到它恢复。</translation>
    </message>
</context>
<context>
    <name>ResultsView</name>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Copy Path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>More Like This</source>
        <translation>相似照片</translation>
    </message>
    <message>
        <source>Open With Default App</source>
        <translation>用默认应用打开</translation>
    </message>
    <message>
        <source>Reveal in File Manager</source>
        <translation>在文件管理器中显示</translation>
    </message>
    <message>
        <source>Copy {n} Paths</source>
        <translation>复制 {n} 个路径</translation>
    </message>
</context>
<context>
    <name>SearchBar</name>
    <message>
        <source>Describe what is in the photo. Combine: &apos;beach +sunset -people&apos;, weight with &apos;2:dog&apos;, or give an image file&apos;s path; text:WORD finds the words written in photos.</source>
        <translation>描述照片中的内容。可以组合：&apos;beach +sunset -people&apos;，用 &apos;2:dog&apos; 加权，或给出一个图片文件的路径；text:词语 查找照片中写着的文字。</translation>
    </message>
    <message>
        <source>Strict</source>
        <translation>严格</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>适中</translation>
    </message>
    <message>
        <source>Loose</source>
        <translation>宽松</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>全部显示</translation>
    </message>
    <message>
        <source>How close a photo must match to be shown</source>
        <translation>照片需要多接近才会显示</translation>
    </message>
    <message>
        <source>Best match</source>
        <translation>最佳匹配</translation>
    </message>
    <message>
        <source>Newest</source>
        <translation>最新</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>All folders</source>
        <translation>所有文件夹</translation>
    </message>
    <message>
        <source>Any tag</source>
        <translation>任意标签</translation>
    </message>
    <message>
        <source>any camera</source>
        <translation>任意相机</translation>
    </message>
    <message>
        <source>Only photos whose camera make or model contains this text</source>
        <translation>只显示相机品牌或型号包含此文字的照片</translation>
    </message>
    <message>
        <source>Any type</source>
        <translation>任意类型</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>拍摄时间</translation>
    </message>
    <message>
        <source>Match:</source>
        <translation>匹配：</translation>
    </message>
    <message>
        <source>Sort:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Tag:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <source>Loading the search model…</source>
        <translation>正在加载搜索模型…</translation>
    </message>
    <message>
        <source>Search your photos: “a dog on the beach”, “red car +night”…</source>
        <translation>搜索照片：“a dog on the beach”“red car +night”…</translation>
    </message>
    <message>
        <source>Search needs a model: choose one in Settings</source>
        <translation>搜索需要模型：请在“设置”中选择</translation>
    </message>
    <message>
        <source>1 photo</source>
        <translation>1 张照片</translation>
    </message>
    <message>
        <source>{n} photos</source>
        <translation>{n} 张照片</translation>
    </message>
</context>
<context>
    <name>SearchNotice</name>
    <message>
        <source>Switch to the Multilingual model</source>
        <translation>切换到多语言模型</translation>
    </message>
    <message>
        <source>Get it in Settings…</source>
        <translation>在“设置”中获取…</translation>
    </message>
    <message>
        <source>Show them</source>
        <translation>显示它们</translation>
    </message>
    <message>
        <source>The Multilingual model is a download away in Settings → Model.</source>
        <translation>多语言模型可在“设置 → 模型”中下载。</translation>
    </message>
    <message numerus="yes">
        <source>%n weaker result(s) hidden by the relevance control.</source>
        <translation>
            <numerusform>相关度控制隐藏了 %n 个较弱的结果。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Recommended:</source>
        <translation>推荐：</translation>
    </message>
    <message>
        <source>Custom spec:</source>
        <translation>自定义模型：</translation>
    </message>
    <message>
        <source>ARCH/PRETRAINED, hf-hub:ORG/REPO or local-dir:FOLDER</source>
        <translation>ARCH/PRETRAINED、hf-hub:ORG/REPO 或 local-dir:文件夹</translation>
    </message>
    <message>
        <source>Choose Local Model Folder…</source>
        <translation>选择本地模型文件夹…</translation>
    </message>
    <message>
        <source>Automatic (best available)</source>
        <translation>自动（选用最佳设备）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>NVIDIA GPU (CUDA)</source>
        <translation>NVIDIA 显卡（CUDA）</translation>
    </message>
    <message>
        <source>Apple GPU (MPS)</source>
        <translation>Apple 显卡（MPS）</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Database file:</source>
        <translation>数据库文件：</translation>
    </message>
    <message>
        <source>Thumbnail cache:</source>
        <translation>缩略图缓存：</translation>
    </message>
    <message>
        <source>Read the text in photos while indexing</source>
        <translation>建立索引时识别照片中的文字</translation>
    </message>
    <message>
        <source>Finds receipts, signs and screenshots by their words (text:WORD searches the words only). Turning it off re-indexes nothing.</source>
        <translation>可按文字找到收据、招牌和截图（text:词语 只搜索文字）。关闭此项不会触发重建索引。</translation>
    </message>
    <message>
        <source>Quick Text Check…</source>
        <translation>快速文字检查…</translation>
    </message>
    <message>
        <source>Calibrate the quick text check on the photos read so far: where the model can tell photos with text by their vectors, indexing reads text faster.</source>
        <translation>用已识别过文字的照片校准快速文字检查：如果模型能从照片的向量判断其中是否有文字，建立索引时识别文字会更快。</translation>
    </message>
    <message>
        <source>Show RAW+JPEG and RAW+HEIF pairs as one photo</source>
        <translation>将 RAW+JPEG 和 RAW+HEIF 配对显示为一张照片</translation>
    </message>
    <message>
        <source>A RAW file and a JPEG or HEIF shot together (same folder and name) appear once, as the JPEG or HEIF; the photo&apos;s info names its RAW file. Applies to this library.</source>
        <translation>同时拍摄的 RAW 文件与 JPEG 或 HEIF（同一文件夹、同一文件名）只显示一次，以 JPEG 或 HEIF 呈现；照片信息中会注明其 RAW 文件。此设置作用于当前图库。</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>Takes effect when PhotoSift starts again.</source>
        <translation>PhotoSift 重新启动后生效。</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source> (default)</source>
        <translation>（默认）</translation>
    </message>
    <message>
        <source>downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>%1 MB download on first use</source>
        <translation>首次使用时需下载 %1 MB</translation>
    </message>
    <message>
        <source>Good for %1. %2 million parameters, ImageNet zero-shot %3%; %4.</source>
        <translation>适合：%1。%2 百万参数，ImageNet 零样本准确率 %3%；%4。</translation>
    </message>
    <message>
        <source>The folder %1 has no %2, so it is not an open_clip model folder. Choose the folder that holds %2 and open_clip_model.safetensors.</source>
        <translation>文件夹 %1 中没有 %2，因此不是 open_clip 模型文件夹。请选择包含 %2 和 open_clip_model.safetensors 的文件夹。</translation>
    </message>
    <message>
        <source>Choose Local Model Folder</source>
        <translation>选择本地模型文件夹</translation>
    </message>
    <message>
        <source>Library Database</source>
        <translation>图库数据库</translation>
    </message>
    <message>
        <source>PhotoSift library (*.sqlite3);;All files (*)</source>
        <translation>PhotoSift 图库 (*.sqlite3);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Type a model spec, or choose a recommended model.</source>
        <translation>请输入模型名称，或选择一个推荐模型。</translation>
    </message>
</context>
<context>
    <name>SkippedFilesDialog</name>
    <message>
        <source>Skipped files</source>
        <translation>跳过的文件</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>{n} files could not be indexed. They are retried when they change.</source>
        <translation>有 {n} 个文件无法建立索引。文件有变化时会重试。</translation>
    </message>
    <message>
        <source>No files were skipped.</source>
        <translation>没有跳过任何文件。</translation>
    </message>
</context>
<context>
    <name>TagPanel</name>
    <message>
        <source>This Photo</source>
        <translation>这张照片</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>标签词表</translation>
    </message>
    <message>
        <source>Tagging…</source>
        <translation>正在添加标签…</translation>
    </message>
    <message>
        <source>Stopped after %1 photos; %2 tags assigned.</source>
        <translation>处理 %1 张照片后停止；共添加 %2 个标签。</translation>
    </message>
    <message>
        <source>Tagged %1 photos; %2 tags assigned.</source>
        <translation>已处理 %1 张照片；共添加 %2 个标签。</translation>
    </message>
    <message>
        <source>%1 photos are not analysed yet and were left out.</source>
        <translation>%1 张照片尚未分析，未参与标记。</translation>
    </message>
    <message>
        <source>Some sidecars could not be written: %1</source>
        <translation>部分 XMP 附属文件无法写入：%1</translation>
    </message>
    <message>
        <source>Preparing the labels for this model…</source>
        <translation>正在为此模型准备标签…</translation>
    </message>
    <message>
        <source>Preparing the labels for this model: %1 of %2…</source>
        <translation>正在为此模型准备标签：%1 / %2…</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Reading scores…</source>
        <translation>正在读取分数…</translation>
    </message>
    <message>
        <source>Scores appear once the model has loaded.</source>
        <translation>模型加载完成后显示得分。</translation>
    </message>
    <message>
        <source>This photo is not analysed yet; its scores appear when analysis reaches it.</source>
        <translation>这张照片尚未分析；分析到它时会显示分数。</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Add Tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <source>Remove Tag…</source>
        <translation>移除标签…</translation>
    </message>
    <message>
        <source>Accept Suggested Tags</source>
        <translation>接受自动建议的标签</translation>
    </message>
    <message>
        <source>Reject Suggested Tags</source>
        <translation>拒绝自动建议的标签</translation>
    </message>
    <message>
        <source>Add Tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <source>Tag for %1 photos:</source>
        <translation>为 %1 张照片添加的标签：</translation>
    </message>
    <message>
        <source>Remove Tag</source>
        <translation>移除标签</translation>
    </message>
    <message>
        <source>Tag to take off %1 photos:</source>
        <translation>要从 %1 张照片上移除的标签：</translation>
    </message>
    <message>
        <source>Something went wrong: %1</source>
        <translation>出错了：%1</translation>
    </message>
</context>
<context>
    <name>TagRunBox</name>
    <message>
        <source>Auto-tag</source>
        <translation>自动标记</translation>
    </message>
    <message>
        <source>Selected</source>
        <translation>所选照片</translation>
    </message>
    <message>
        <source>This Folder</source>
        <translation>此文件夹</translation>
    </message>
    <message>
        <source>Whole Library</source>
        <translation>整个图库</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Write XMP sidecars</source>
        <translation>写入 XMP 附属文件</translation>
    </message>
    <message>
        <source>Also write the tags into a .xmp file beside each photo, for Lightroom, digiKam and darktable. The photos themselves are never changed.</source>
        <translation>同时把标签写入每张照片旁的 .xmp 文件，供 Lightroom、digiKam 和 darktable 使用。照片本身永远不会被修改。</translation>
    </message>
    <message>
        <source>Auto-tagging starts working once the model has loaded.</source>
        <translation>模型加载完成后即可自动标记。</translation>
    </message>
    <message>
        <source>Selected (%1)</source>
        <translation>所选照片（%1）</translation>
    </message>
</context>
<context>
    <name>TextGateDialog</name>
    <message>
        <source>Quick Text Check</source>
        <translation>快速文字检查</translation>
    </message>
    <message>
        <source>Load a model first: the check is calibrated per model.</source>
        <translation>请先加载模型：快速文字检查需要针对每个模型分别校准。</translation>
    </message>
    <message>
        <source>Reading text first looks for text in every photo, about half a second each. If the model can tell photos with text from the others by their vectors, indexing skips that look. Calibrating measures this on the photos whose text has been read (at least 20 with words and 50 without).</source>
        <translation>识别文字前会先在每张照片中查找文字，每张约需半秒。如果模型能从照片的向量分辨出有文字和没有文字的照片，建立索引时就可以省去这一步。校准会在已识别过文字的照片上测量这一点（至少需要 20 张有文字的和 50 张没有文字的照片）。</translation>
    </message>
    <message>
        <source>Calibrate</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>Forget Calibration</source>
        <translation>清除校准</translation>
    </message>
    <message>
        <source>Calibrating…</source>
        <translation>正在校准…</translation>
    </message>
    <message>
        <source>Not calibrated: indexing looks for text in every photo.</source>
        <translation>未校准：建立索引时会在每张照片中查找文字。</translation>
    </message>
    <message>
        <source>Measured on %1 photos with words and %2 without: it keeps %3% of the photos with text and skips %4% of the others.</source>
        <translation>在 %1 张有文字和 %2 张没有文字的照片上测得：它保留了 %3% 的有文字照片，并跳过了 %4% 的其他照片。</translation>
    </message>
    <message>
        <source>Used: indexing decides from each photo&apos;s vector whether to read its text.</source>
        <translation>已启用：建立索引时根据每张照片的向量决定是否识别其中的文字。</translation>
    </message>
    <message>
        <source>Not used: the library searches with another model.</source>
        <translation>未启用：照片库使用的是另一个模型。</translation>
    </message>
    <message>
        <source>Not used: it would miss too many photos with text or skip too few others, so indexing keeps looking for text in every photo.</source>
        <translation>未启用：它会漏掉太多有文字的照片，或跳过的其他照片太少，因此建立索引时仍会在每张照片中查找文字。</translation>
    </message>
</context>
<context>
    <name>VocabularyEditor</name>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Prompts</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Filter labels…</source>
        <translation>筛选标签…</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Remove Label</source>
        <translation>移除标签</translation>
    </message>
    <message>
        <source>Remove the label “%1”? Its tags disappear from every photo.</source>
        <translation>要移除标签“%1”吗？所有照片上的这个标签都会消失。</translation>
    </message>
</context>
</TS>
